"""Starting and stopping a deployment's tasks, with load balancer targets.

Mirrors what the ECS service scheduler does for a service with `loadBalancers`
on EC2: when a task runs on a container instance, the instance id and the
task's host port for (containerName, containerPort) are registered in the
target group; when the task stops they are deregistered.
"""

from typing import Any

from ecs_deployment_model import Deployment, add_event
from ecs_tasks import place_task, set_running, set_stopped
from elbv2_targets import deregister_task_target, register_task_target

ESSENTIAL_EXITED = "Essential container in task exited"


def _task_ids(tasks: list[Any]) -> str:
    return " ".join(f"(task {t.id})" for t in tasks)


def start_tasks(backend: Any, service: Any, deployment: Deployment, count: int,
                unhealthy_targets: bool = False) -> list[Any]:
    """Launch `count` tasks of the deployment; they run at once."""
    if count <= 0:
        return []
    cluster = backend._get_cluster(service.cluster_name)
    task_def = backend.describe_task_definition(deployment.task_definition)
    started = []
    for _ in range(count):
        task = place_task(backend, cluster, task_def, group=f"service:{service.name}",
                          started_by=deployment.id, launch_type=service.launch_type,
                          network_configuration=deployment.network_configuration)
        set_running(task)
        _register_targets(service, task, unhealthy_targets)
        deployment.tasks.append(task)
        started.append(task)
    add_event(service, f"(service {service.name}) has started {len(started)} tasks: {_task_ids(started)}.")
    deployment.touch()
    return started


def fail_tasks(backend: Any, service: Any, deployment: Deployment, count: int) -> None:
    """Launch tasks whose essential container exits (crash loop)."""
    for task in start_tasks(backend, service, deployment, count):
        stop_task(service, task, "EssentialContainerExited", ESSENTIAL_EXITED, deployment.exit_code)
        deployment.failed_tasks += 1


def drain(service: Any, deployment: Deployment, by: Deployment) -> None:
    """Stop every task of `deployment` because `by` replaced it."""
    running = deployment.running_tasks()
    for task in running:
        stop_task(service, task, "ServiceSchedulerInitiated",
                  f"Scaling activity initiated by (deployment {by.id})", 0)
    if running:
        add_event(service, f"(service {service.name}) has stopped {len(running)} running tasks: {_task_ids(running)}.")
    deployment.touch()


def scale_in(service: Any, deployment: Deployment, count: int) -> None:
    victims = deployment.running_tasks()[:count]
    for task in victims:
        stop_task(service, task, "ServiceSchedulerInitiated",
                  f"Scaling activity initiated by (deployment {deployment.id})", 0)
    if victims:
        add_event(service, f"(service {service.name}) has stopped {len(victims)} running tasks: {_task_ids(victims)}.")


def stop_task(service: Any, task: Any, stop_code: str, reason: str, exit_code: int) -> None:
    _deregister_targets(service, task)
    set_stopped(task, stop_code, reason, exit_code)


def _bindings(service: Any, task: Any) -> list[tuple[str, str, int]]:
    """(target group, instance id, host port) for each load balancer of the service."""
    from ecs_tasks import container_instance_of
    instance = container_instance_of(task._backend, task)
    if instance is None:
        return []
    result = []
    for lb in service.load_balancers or []:
        group_arn = lb.get("targetGroupArn")
        if not group_arn:
            continue  # classic load balancers are not modelled
        for container in task.containers:
            if container["name"] != lb.get("containerName"):
                continue
            for binding in container["networkBindings"]:
                if binding["containerPort"] == lb.get("containerPort"):
                    result.append((group_arn, instance.ec2_instance_id, binding["hostPort"]))
    return result


def _register_targets(service: Any, task: Any, unhealthy: bool) -> None:
    for group_arn, instance_id, port in _bindings(service, task):
        register_task_target(service._account_id, service.region_name, group_arn,
                             instance_id, port, unhealthy)


def _deregister_targets(service: Any, task: Any) -> None:
    for group_arn, instance_id, port in _bindings(service, task):
        deregister_task_target(service._account_id, service.region_name, group_arn, instance_id, port)


def unhealthy_target_events(service: Any, deployment: Deployment) -> None:
    for task in deployment.running_tasks():
        for group_arn, instance_id, port in _bindings(service, task):
            add_event(service, f"(service {service.name}) (instance {instance_id}) (port {port}) is unhealthy "
                               f"in (target-group {group_arn}) due to (reason Health checks failed).")
