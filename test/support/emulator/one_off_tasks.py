"""One-off tasks (RunTask/StartTask, e.g. migrations) and ListTasks filters.

moto's RunTask tasks start RUNNING and then walk through DEACTIVATING/STOPPING/
DEPROVISIONING/STOPPED while desiredStatus stays RUNNING, and never carry an
exit code. A real one-off task goes PENDING -> RUNNING -> STOPPED and its
essential container exits with the process's code (stopCode
EssentialContainerExited, "Essential container in task exited").

Each DescribeTasks that returns the task is one step; the task is RUNNING from
step 1 and STOPPED at step 3. The container exit code is 0 unless a container
override sets the environment variable EMULATOR_EXIT_CODE; EMULATOR_STOP_REASON
replaces the stopped reason.

ListTasks: moto ignores `serviceName` and, without `desiredStatus`, returns
every task; ECS filters by the service's tasks and defaults to RUNNING.
"""

from typing import Any

from moto.core.responses import ActionResult
from moto.ecs.models import EC2ContainerServiceBackend as Backend
from moto.ecs.responses import EC2ContainerServiceResponse as Response

from ecs_tasks import EmulatedTask, assign_host_ports, container_instance_of, ports_in_use, set_running, set_stopped

STEPS_TO_STOP = 3
_original_run_task = Backend.run_task
_original_start_task = Backend.start_task
_original_stop_task = Backend.stop_task


def _overrides(task: EmulatedTask) -> dict[str, str]:
    values: dict[str, str] = {}
    for container in (task.overrides or {}).get("containerOverrides", []) or []:
        for item in container.get("environment", []) or []:
            values[item.get("name")] = item.get("value")
    return values


def _one_off_step(task: EmulatedTask) -> None:
    task.steps = getattr(task, "steps", 0) + 1
    if task.last_status == "STOPPED":
        return
    if task.steps < STEPS_TO_STOP:
        set_running(task)
        return
    env = _overrides(task)
    exit_code = int(env.get("EMULATOR_EXIT_CODE", "0"))
    reason = env.get("EMULATOR_STOP_REASON", "Essential container in task exited")
    set_stopped(task, "EssentialContainerExited", reason, exit_code)


def _adopt(backend: Any, tasks: list[Any]) -> list[Any]:
    for task in tasks:
        if isinstance(task, EmulatedTask) and task.on_describe is None:
            task.last_status = "PENDING"
            instance = container_instance_of(backend, task)
            used = ports_in_use(backend, instance) - set(task.host_ports) if instance else set()
            task_def = backend.describe_task_definition(task.task_definition_arn)
            assign_host_ports(task, task_def.network_mode, used)
            task.on_describe = _one_off_step
    return tasks


def run_task(self: Any, *args: Any, **kwargs: Any) -> list[Any]:
    return _adopt(self, _original_run_task(self, *args, **kwargs))


def start_task(self: Any, *args: Any, **kwargs: Any) -> list[Any]:
    return _adopt(self, _original_start_task(self, *args, **kwargs))


def stop_task(self: Any, cluster_str: str, task_str: str, reason: str) -> Any:
    """StopTask: stopCode UserInitiated; a service task also leaves its target groups.
    (ECS would then start a replacement task; that is not modelled.)"""
    from ecs_service_tasks import stop_task as stop_service_task
    cluster = self._get_cluster(cluster_str)
    for task in self.tasks.get(cluster.name, {}).values():
        if task.task_arn == task_str or task.task_arn.endswith("/" + task_str.split("/")[-1]):
            if not isinstance(task, EmulatedTask):
                break
            service = None
            if task.group.startswith("service:"):
                service = self.services.get(f"{cluster.name}:{task.group[len('service:'):]}")
            if service is not None:
                stop_service_task(service, task, "UserInitiated", reason or "Task stopped by user", None)
            else:
                set_stopped(task, "UserInitiated", reason or "Task stopped by user", None)
            return task
    return _original_stop_task(self, cluster_str, task_str, reason)


def list_tasks(self: Any) -> ActionResult:
    tasks = self.ecs_backend.list_tasks(
        self._get_param("cluster", "default"), self._get_param("containerInstance"),
        self._get_param("family"), self._get_param("startedBy"), None,
        self._get_param("desiredStatus") or "RUNNING")
    service_name = self._get_param("serviceName")
    if service_name:
        group = f"service:{service_name.split('/')[-1]}"
        tasks = [t for t in tasks if t.group == group]
    return ActionResult({"taskArns": [t.task_arn for t in tasks]})


def install() -> None:
    Backend.run_task = run_task
    Backend.start_task = start_task
    Backend.stop_task = stop_task
    Response.list_tasks = list_tasks
