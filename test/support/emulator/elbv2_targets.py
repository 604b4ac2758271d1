"""ELBv2 targets registered by ECS tasks, and their health.

Two gaps in moto: a target group keys its targets by instance id alone, so two
tasks on one instance (same id, different dynamic host ports) overwrite each
other; and every registered target is instantly `healthy`. Real ELBv2 keys a
target by (Id, Port) and reports a new target as `initial`
(Elb.RegistrationInProgress) until its first health checks pass.

Targets that ECS tasks register (see ecs_rollout) get modelled health: the first
DescribeTargetHealth that includes them says `initial`, later ones `healthy`, or
`unhealthy` / Target.FailedHealthChecks for services in mode unhealthy-targets.
Targets registered directly with RegisterTargets keep moto's behaviour.
"""

from typing import Any

from moto.elbv2 import models as elbv2_models
from moto.elbv2.models import elbv2_backends

from emulator_state import LOCK, backend_state

TargetGroup = elbv2_models.FakeTargetGroup


def _key(target_id: str, port: Any) -> str:
    return f"{target_id}:{port}"


def _register(self: Any, targets: list[dict[str, Any]]) -> None:
    for target in targets:
        if instance := self.ec2_backend.get_instance_by_id(target["Id"]):
            if instance.state != "running":
                raise elbv2_models.TargetNotRunning(instance_id=target["Id"])
        port = target.get("Port", self.port)
        key = _key(target["Id"], port)
        self.targets[key] = {"Id": target["Id"], "Port": port}
        self.deregistered_targets.pop(key, None)


def _deregister(self: Any, targets: list[dict[str, Any]]) -> None:
    for target in targets:
        key = _key(target["Id"], target.get("Port", self.port))
        if key not in self.targets:
            # Deregistering by Id alone (as moto's autoscaling does) drops every
            # port registered for that Id.
            matches = [k for k, t in self.targets.items()
                       if t["Id"] == target["Id"] and "Port" not in target]
            if not matches:
                raise elbv2_models.InvalidTargetError()
        else:
            matches = [key]
        for match in matches:
            self.deregistered_targets[match] = self.targets.pop(match)


def _deregister_terminated(self: Any, instance_ids: list[str]) -> None:
    for key, target in list(self.targets.items()):
        if target["Id"] in instance_ids:
            self.terminated_targets[key] = self.targets.pop(key)


def _health_for(self: Any, target: dict[str, Any], ec2_backend: Any) -> Any:
    """moto's health_for, keyed by (Id, Port), plus modelled health for ECS targets."""
    status_cls = elbv2_models.FakeHealthStatus
    port = target.get("Port")
    key = _key(target["Id"], port if port is not None else self.port)
    registered = self.targets.get(key)
    if registered is None and port is None:
        registered = next((t for t in self.targets.values() if t["Id"] == target["Id"]), None)
    if registered is None:
        port = port if port is not None else self.port
        if key in self.terminated_targets:
            return status_cls(target["Id"], port, self.health_check_port, "draining",
                              "Target.DeregistrationInProgress", "Target deregistration is in progress")
        return status_cls(target["Id"], port, self.health_check_port, "unused",
                          "Target.NotRegistered", "Target is not registered to the target group")
    instance = ec2_backend.get_instance_by_id(registered["Id"])
    if instance and instance.state == "stopped":
        return status_cls(registered["Id"], registered["Port"], self.health_check_port, "unused",
                          "Target.InvalidState", "Target is in the stopped state")
    with LOCK:
        return _apply_modelled_health(self, status_cls(
            registered["Id"], registered["Port"], self.health_check_port, "healthy"))


def _apply_modelled_health(group: Any, status: Any) -> Any:
    backend = elbv2_backends[group.account_id][group.region_name]
    modelled = backend_state(backend, "task_targets", dict).get(
        (group.arn, _key(status.instance_id, status.port)))
    if modelled is None or status.status != "healthy":
        return status
    modelled["polls"] += 1
    if modelled["polls"] == 1:
        status.status, status.reason, status.description = (
            "initial", "Elb.RegistrationInProgress", "Target registration is in progress")
    elif modelled["unhealthy"]:
        status.status, status.reason, status.description = (
            "unhealthy", "Target.FailedHealthChecks", "Health checks failed")
    return status


def register_task_target(account_id: str, region: str, group_arn: str, instance_id: str,
                         port: int, unhealthy: bool) -> None:
    """Called by the ECS patches when a task with a load balancer starts."""
    with LOCK:
        backend = elbv2_backends[account_id][region]
        backend.register_targets(group_arn, [{"Id": instance_id, "Port": port}])
        backend_state(backend, "task_targets", dict)[(group_arn, _key(instance_id, port))] = {
            "polls": 0, "unhealthy": unhealthy}


def deregister_task_target(account_id: str, region: str, group_arn: str, instance_id: str,
                           port: int) -> None:
    """Called when the task stops. Real ELBv2 would show `draining` for the
    deregistration delay; we drop the target at once (documented)."""
    with LOCK:
        backend = elbv2_backends[account_id][region]
        backend_state(backend, "task_targets", dict).pop((group_arn, _key(instance_id, port)), None)
        group = backend.target_groups.get(group_arn)
        if group is not None and _key(instance_id, port) in group.targets:
            group.deregister([{"Id": instance_id, "Port": port}])


def install() -> None:
    TargetGroup.register = _register
    TargetGroup.deregister = _deregister
    TargetGroup.deregister_terminated_instances = _deregister_terminated
    TargetGroup.health_for = _health_for
