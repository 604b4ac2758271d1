"""ECS tasks as the agent would report them: placement, containers, host ports.

moto's Task keeps one Container built from the first container definition, has
no networkBindings, no stop codes, and walks RUNNING -> ... -> STOPPED on its own
as DescribeTasks is called. Real tasks have one container per definition, a
dynamic host port (32768-60999, the ECS agent's default ephemeral range) for
bridge-mode mappings with hostPort 0 or none, and change state only when the
scheduler/agent says so. `EmulatedTask` replaces moto's Task class so that every
task (service, RunTask, StartTask) gets this shape; its lifecycle is driven by
our code (service rollouts) or by `one_off_tasks.py`.
"""

import random
import uuid
from typing import Any, Callable

from moto.ecs import models as ecs_models

from emulator_state import backend_state, now

EPHEMERAL_PORTS = (32768, 60999)


class EmulatedTask(ecs_models.Task):
    """moto Task with a plain (not auto-advancing) status and real-ECS fields."""

    # moto's model registry files classes by the service in their module path.
    __module__ = "moto.ecs.models"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.created_at = now()
        self.started_at = None
        self.stopping_at = None
        self.stopped_at = None
        self.stop_code = None
        self.stopped_reason = None
        self.connectivity = None
        self.host_ports: list[int] = []
        # Called on every DescribeTasks that returns this task (see one_off_tasks).
        self.on_describe: Callable[["EmulatedTask"], None] | None = None
        task_def = self._backend.describe_task_definition(self.task_definition_arn)
        self.containers = build_containers(self, task_def)

    # ManagedState derives `status` from a global transition config; real tasks
    # only move when ECS moves them, so keep it a plain attribute.
    @property
    def status(self) -> str | None:  # type: ignore[override]
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        self._status = value

    def advance(self) -> None:
        if self.on_describe is not None:
            self.on_describe(self)


def build_containers(task: EmulatedTask, task_def: Any) -> list[dict[str, Any]]:
    containers = []
    for definition in task_def.container_definitions:
        containers.append(
            {
                "containerArn": f"{task.cluster_arn.replace(':cluster/', ':container/')}/{task.id}/{uuid.uuid4()}",
                "taskArn": task.task_arn,
                "name": definition.get("name"),
                "image": definition.get("image"),
                "lastStatus": "PENDING",
                "networkBindings": [],
                "cpu": str(definition.get("cpu", 0)),
                "memory": str(definition["memory"]) if definition.get("memory") else None,
                "essential": definition.get("essential", True),
                "_portMappings": definition.get("portMappings", []),
            }
        )
    return containers


def assign_host_ports(task: EmulatedTask, network_mode: str | None, used: set[int]) -> None:
    """Give each port mapping a host port the way the ECS agent does."""
    for container in task.containers:
        bindings = []
        for mapping in container.pop("_portMappings", []):
            container_port = mapping.get("containerPort")
            host_port = mapping.get("hostPort") or 0
            if network_mode == "host":
                host_port = container_port
            elif network_mode == "awsvpc":
                continue  # the task has its own ENI; no host binding
            elif host_port == 0:
                host_port = _free_port(used)
            used.add(host_port)
            task.host_ports.append(host_port)
            bindings.append(
                {
                    "bindIP": "0.0.0.0",
                    "containerPort": container_port,
                    "hostPort": host_port,
                    "protocol": mapping.get("protocol", "tcp"),
                }
            )
        container["networkBindings"] = bindings


def _free_port(used: set[int]) -> int:
    while True:
        port = random.randint(*EPHEMERAL_PORTS)
        if port not in used:
            return port


def set_running(task: EmulatedTask) -> None:
    task.last_status = "RUNNING"
    task.started_at = task.started_at or now()
    task.connectivity = "CONNECTED"
    for container in task.containers:
        container["lastStatus"] = "RUNNING"


def set_stopped(task: EmulatedTask, stop_code: str, reason: str, exit_code: int | None,
                container_reason: str | None = None) -> None:
    """Stop a task: containers get an exit code, the instance gets its resources back."""
    if task.last_status == "STOPPED":
        return
    stamp = now()
    task.last_status = "STOPPED"
    task.desired_status = "STOPPED"
    task.stop_code = stop_code
    task.stopped_reason = reason
    task.stopping_at = stamp
    task.stopped_at = stamp
    for container in task.containers:
        container["lastStatus"] = "STOPPED"
        if exit_code is not None:
            container["exitCode"] = exit_code
        if container_reason:
            container["reason"] = container_reason
        container.pop("_portMappings", None)
    _release(task)


def place_task(backend: Any, cluster: Any, task_def: Any, group: str, started_by: str,
               launch_type: str, network_configuration: dict | None) -> EmulatedTask:
    """Create a task on the next ACTIVE container instance (round-robin).

    With no container instance registered the task still exists, without an
    instance (and so without load balancer targets), so that rollouts can be
    exercised on a bare cluster.
    """
    instance = next_container_instance(backend, cluster.name)
    task = EmulatedTask(
        cluster,
        task_def,
        instance.container_instance_arn if instance else None,
        None,
        backend=backend,
        group=group,
        launch_type=launch_type or "EC2",
        started_by=started_by,
        networking_configuration=network_configuration or None,
    )
    used = ports_in_use(backend, instance) if instance else set()
    assign_host_ports(task, task_def.network_mode, used)
    task.resource_requirements = _requirements(task_def, task.host_ports)
    if instance:
        backend.update_container_instance_resources(instance, task.resource_requirements)
    backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    return task


def next_container_instance(backend: Any, cluster_name: str) -> Any:
    active = [ci for ci in backend.container_instances.get(cluster_name, {}).values()
              if ci.status == "ACTIVE"]
    if not active:
        return None
    cursor = backend_state(backend, "placement_cursor", dict)
    index = cursor.get(cluster_name, 0)
    cursor[cluster_name] = index + 1
    return active[index % len(active)]


def container_instance_of(backend: Any, task: Any) -> Any:
    if not task.container_instance_arn:
        return None
    return backend.container_instances.get(task.cluster_name, {}).get(
        task.container_instance_arn.split("/")[-1])


def ports_in_use(backend: Any, instance: Any) -> set[int]:
    used: set[int] = set()
    for task in backend.tasks.get(instance.cluster_name, {}).values():
        if task.container_instance_arn == instance.container_instance_arn and task.last_status != "STOPPED":
            used.update(getattr(task, "host_ports", []))
    return used


def _requirements(task_def: Any, host_ports: list[int]) -> dict[str, Any]:
    cpu = sum(int(c.get("cpu", 0) or 0) for c in task_def.container_definitions)
    memory = sum(int(c.get("memory") or c.get("memoryReservation") or 0)
                 for c in task_def.container_definitions)
    return {"CPU": cpu, "MEMORY": memory, "PORTS": list(host_ports), "PORTS_UDP": []}


def _release(task: EmulatedTask) -> None:
    instance = container_instance_of(task._backend, task)
    if instance and task.resource_requirements:
        task._backend.update_container_instance_resources(
            instance, task.resource_requirements, removing=True)
        task.resource_requirements = None


def install() -> None:
    # run_task/start_task look the class up in the module at call time.
    ecs_models.Task = EmulatedTask
    original = ecs_models.EC2ContainerServiceBackend._calculate_task_resource_requirements

    def requirements_without_dynamic_ports(task_definition: Any) -> dict[str, Any]:
        # moto reserves "hostPort 0" as if it were a real port, so a second task
        # with a dynamic port mapping could never share an instance. The agent
        # picks a free ephemeral port instead; only fixed host ports conflict.
        result = original(task_definition)
        result["PORTS"] = [p for p in result["PORTS"] if p]
        return result

    ecs_models.EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(
        requirements_without_dynamic_ports)
