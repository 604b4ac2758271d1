"""ECS rolling deployments (deployment controller ECS), advanced by polling.

moto keeps a single deployment whose revision never changes and writes no
events. Real ECS, on UpdateService with a new revision (or
forceNewDeployment), demotes the PRIMARY deployment to ACTIVE, adds a new
PRIMARY (IN_PROGRESS), starts its tasks, and once they are up drains the old
deployments and reports COMPLETED plus "has reached a steady state." events.

Time is replaced by polls: every DescribeServices that names a service moves
its PRIMARY rollout one step; after `emulator:rollout-polls` steps (default 3)
the outcome chosen by the service tag `emulator:rollout` (read when the
deployment starts) is reached. See test/support/README.md for each mode.
"""

import copy
import math
from typing import Any

from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.responses import EC2ContainerServiceResponse as Response

from ecs_deployment_model import Deployment, ServiceRecord, add_event, all_records, record_for, sync_service
from ecs_service_tasks import drain, fail_tasks, scale_in, start_tasks, unhealthy_target_events
from emulator_state import now, tag_value

MODES = ("complete", "circuit-breaker", "tasks-stopping", "unplaceable", "unhealthy-targets", "slow")
CIRCUIT_BREAKER_REASON = "ECS deployment circuit breaker: tasks failed to start."
# What ECS fills in when CreateService has no deploymentConfiguration (rolling, EC2).
DEFAULT_CONFIGURATION = {"deploymentCircuitBreaker": {"enable": False, "rollback": False},
                         "maximumPercent": 200, "minimumHealthyPercent": 100}


def _is_rolling(service: Any) -> bool:
    return (service.deployment_controller or {}).get("type", "ECS") == "ECS"


def _settings(service: Any) -> tuple[str, int, int]:
    mode = tag_value(service.tags, "emulator:rollout") or "complete"
    if mode not in MODES:
        raise InvalidParameterException(f"emulator: unknown emulator:rollout mode '{mode}' (one of {', '.join(MODES)})")
    polls = tag_value(service.tags, "emulator:rollout-polls")
    exit_code = tag_value(service.tags, "emulator:exit-code")
    return mode, int(polls) if polls else (20 if mode == "slow" else 3), int(exit_code) if exit_code else 1


def start_deployment(backend: Any, service: Any, record: ServiceRecord, task_definition: str,
                     initial: bool = False) -> Deployment:
    # CreateService's first deployment is reported steady whatever the tags say.
    mode, polls, exit_code = ("complete", 1, 0) if initial else _settings(service)
    previous = record.primary
    # A client rollback (back to a revision that already completed on this service)
    # always completes: the emulator cannot know a good revision turned bad.
    if previous and task_definition != previous.task_definition and task_definition in record.completed_revisions:
        mode = "complete"
    deployment = Deployment(service, task_definition, service.desired_count, mode, polls, exit_code)
    if mode == "circuit-breaker" and not deployment.circuit_breaker().get("enable"):
        deployment.mode = "tasks-stopping"  # without the breaker ECS keeps retrying forever
    deployment.sources = list(record.deployments)
    for older in record.deployments:
        if older.status == "PRIMARY":
            older.status = "ACTIVE"
            older.touch()
        if older.sd_status == "IN_PROGRESS":
            older.sd_status, older.stopped_at = "STOPPED", now()
    record.deployments.insert(0, deployment)
    record.history.insert(0, deployment)
    return deployment


def step(backend: Any, service: Any, record: ServiceRecord) -> None:
    """One poll's worth of progress for the service's PRIMARY deployment."""
    dep = record.primary
    if dep is None or dep.rollout_state != "IN_PROGRESS":
        return
    dep.steps += 1
    final = dep.steps >= dep.polls_needed
    if dep.mode in ("complete", "slow", "unhealthy-targets"):
        target = dep.desired_count if final else math.ceil(dep.desired_count * dep.steps / dep.polls_needed)
        start_tasks(backend, service, dep, target - dep.running(), dep.mode == "unhealthy-targets")
        if final and dep.mode == "unhealthy-targets":
            unhealthy_target_events(service, dep)
        elif final:
            complete(service, record, dep)
    elif dep.mode == "tasks-stopping":
        fail_tasks(backend, service, dep, 1)
    elif dep.mode == "circuit-breaker":
        threshold = dep.failure_threshold()
        target = threshold if final else math.ceil(threshold * dep.steps / dep.polls_needed)
        fail_tasks(backend, service, dep, target - dep.failed_tasks)
        if final:
            fail(service, record, dep)
    elif dep.mode == "unplaceable":
        add_event(service, _unplaceable_message(backend, service))
    dep.touch()


def complete(service: Any, record: ServiceRecord, dep: Deployment) -> None:
    for older in record.deployments[1:]:
        drain(service, older, by=dep)
    record.deployments = [dep]
    stamp = now()
    dep.rollout_state, dep.rollout_state_reason = "COMPLETED", f"ECS deployment {dep.id} completed."
    dep.sd_status, dep.finished_at = "SUCCESSFUL", stamp
    if dep.rolls_back is not None:
        dep.rolls_back.sd_status, dep.rolls_back.finished_at = "ROLLBACK_SUCCESSFUL", stamp
    record.completed_revisions.add(dep.task_definition)
    add_event(service, f"(service {service.name}) (deployment {dep.id}) deployment completed.")
    add_event(service, f"(service {service.name}) has reached a steady state.")


def fail(service: Any, record: ServiceRecord, dep: Deployment) -> None:
    """Circuit breaker tripped: FAILED, then roll back if the service asks for it."""
    dep.rollout_state, dep.rollout_state_reason = "FAILED", CIRCUIT_BREAKER_REASON
    add_event(service, f"(service {service.name}) (deployment {dep.id}) deployment failed: tasks failed to start.")
    good = next((d for d in record.deployments[1:] if d.task_definition in record.completed_revisions), None)
    if not dep.circuit_breaker().get("rollback") or good is None:
        dep.sd_status, dep.sd_status_reason, dep.stopped_at = "STOPPED", CIRCUIT_BREAKER_REASON, now()
        return
    _, polls, exit_code = _settings(service)
    rollback = Deployment(service, good.task_definition, service.desired_count, "complete", polls,
                          exit_code, revision_arn=good.revision_arn)
    rollback.rolls_back, rollback.sources = dep, [dep]
    dep.status = "ACTIVE"
    record.deployments.insert(0, rollback)
    dep.sd_status = "ROLLBACK_IN_PROGRESS"
    dep.rollback = {"reason": CIRCUIT_BREAKER_REASON, "startedAt": now(), "serviceRevisionArn": good.revision_arn}
    add_event(service, f"(service {service.name}) rolling back to deployment {rollback.id}.")


def _unplaceable_message(backend: Any, service: Any) -> str:
    instances = list(backend.container_instances.get(service.cluster_name, {}).values())
    if not instances:
        return (f"(service {service.name}) was unable to place a task because no container instance met all of "
                "its requirements. Reason: No Container Instances were found in your cluster. For more "
                "information, see the Troubleshooting section of the Amazon ECS Developer Guide.")
    return (f"(service {service.name}) was unable to place a task because no container instance met all of its "
            f"requirements. The closest matching (container-instance {instances[0].id}) has insufficient memory "
            "available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.")


# --- response patches --------------------------------------------------------

_original_create = Response.create_service
_original_update = Response.update_service
_original_describe = Response.describe_services


def _merge_configuration(current: dict | None, requested: dict | None) -> dict:
    merged = copy.deepcopy(current or DEFAULT_CONFIGURATION)
    merged.update(copy.deepcopy(requested or {}))
    return merged


def create_service(self: Any) -> Any:
    result = _original_create(self)
    backend = self.ecs_backend
    service = backend._get_service(self._get_param("cluster", "default"), self._get_param("serviceName"))
    service.deployment_configuration = _merge_configuration(None, self._get_param("deploymentConfiguration"))
    grace = self._get_param("healthCheckGracePeriodSeconds")
    if grace is not None:
        service.health_check_grace_period_seconds = grace
    if not _is_rolling(service) or not service.task_definition:
        return result
    all_records(backend)[f"{service.cluster_name}:{service.name}"] = record = ServiceRecord()
    service.events = []
    # CreateService: the first deployment is reported as already steady.
    dep = start_deployment(backend, service, record, service.task_definition, initial=True)
    start_tasks(backend, service, dep, service.desired_count)
    complete(service, record, dep)
    sync_service(service, record)
    return result


def update_service(self: Any) -> Any:
    backend = self.ecs_backend
    service = backend._get_service(self._get_param("cluster", "default"), self._get_param("service").split("/")[-1])
    previous_configuration = getattr(service, "deployment_configuration", None)
    if _is_rolling(service):
        _settings(service)  # reject a bad control tag before moto changes anything
    result = _original_update(self)
    service.deployment_configuration = _merge_configuration(
        previous_configuration, self._get_param("deploymentConfiguration"))
    if not _is_rolling(service):
        return result
    # moto stores the string as given ("web" or "web:3"); ECS stores the revision ARN.
    service.task_definition = backend.describe_task_definition(service.task_definition).arn
    record = record_for(backend, service)
    primary = record.primary
    if primary is None or service.task_definition != primary.task_definition or self._get_param("forceNewDeployment"):
        start_deployment(backend, service, record, service.task_definition)
    elif primary.desired_count != service.desired_count:
        _rescale(backend, service, primary)
    sync_service(service, record)
    return result


def _rescale(backend: Any, service: Any, primary: Deployment) -> None:
    """desiredCount-only update: ECS scales the PRIMARY deployment in place."""
    primary.desired_count = service.desired_count
    if primary.rollout_state != "COMPLETED":
        return  # an in-flight rollout picks the new count up on its next step
    delta = service.desired_count - primary.running()
    if delta > 0:
        start_tasks(backend, service, primary, delta)
    elif delta < 0:
        scale_in(service, primary, -delta)
    add_event(service, f"(service {service.name}) has reached a steady state.")


def describe_services(self: Any) -> Any:
    backend = self.ecs_backend
    try:
        services, _ = backend.describe_services(self._get_param("cluster", "default"), self._get_param("services", []))
    except Exception:
        services = []  # let moto raise its own error below
    for service in services:
        if _is_rolling(service) and service.status == "ACTIVE":
            record = record_for(backend, service)
            step(backend, service, record)
            sync_service(service, record)
    return _original_describe(self)


def install() -> None:
    Response.create_service = create_service
    Response.update_service = update_service
    Response.describe_services = describe_services

