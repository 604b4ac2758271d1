"""Auto Scaling instance refreshes (moto has none of these actions).

StartInstanceRefresh stores a refresh in status Pending; each
DescribeInstanceRefreshes for the group moves its active refresh one step:
InProgress 0%, InProgress 50%, then Successful 100%, after which (as AWS does)
the group's launch template becomes the DesiredConfiguration's. A second
StartInstanceRefresh while one is Pending/InProgress fails with
InstanceRefreshInProgress; CancelInstanceRefresh moves the active one to
Cancelled (AWS passes through Cancelling) or fails with
ActiveInstanceRefreshNotFound. Instances are not actually replaced.
"""

import uuid
from typing import Any

from moto.autoscaling.exceptions import AutoscalingClientError, ValidationError
from moto.autoscaling.responses import AutoScalingResponse as Response
from moto.core.responses import ActionResult

from emulator_state import backend_state, now

ACTIVE = ("Pending", "InProgress")
POLLS_TO_SUCCEED = 3


class InstanceRefreshInProgress(AutoscalingClientError):
    code = "InstanceRefreshInProgress"
    message = "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh."


class ActiveInstanceRefreshNotFound(AutoscalingClientError):
    code = "ActiveInstanceRefreshNotFound"


def _refreshes(backend: Any) -> list[dict[str, Any]]:
    return backend_state(backend, "instance_refreshes", list)


def _group(backend: Any, name: str) -> Any:
    group = backend.autoscaling_groups.get(name)
    if group is None:
        raise ValidationError(f"AutoScalingGroup name not found - {name}")
    return group


def _active(backend: Any, name: str) -> dict[str, Any] | None:
    return next((r for r in _refreshes(backend) if r["AutoScalingGroupName"] == name and r["Status"] in ACTIVE), None)


def start_instance_refresh(self: Any) -> ActionResult:
    backend = self.autoscaling_backend
    name = self._get_param("AutoScalingGroupName")
    group = _group(backend, name)
    if _active(backend, name):
        raise InstanceRefreshInProgress()
    preferences = {"MinHealthyPercentage": 90, "SkipMatching": False, "AutoRollback": False,
                   "ScaleInProtectedInstances": "Ignore", "StandbyInstances": "Ignore"}
    preferences.update(self._get_param("Preferences") or {})
    refresh = {"InstanceRefreshId": str(uuid.uuid4()), "AutoScalingGroupName": name,
               "Status": "Pending", "StatusReason": "Waiting for instance refresh to start",
               "StartTime": now(), "PercentageComplete": 0,
               "InstancesToUpdate": len(group.instance_states), "Preferences": preferences,
               "Strategy": self._get_param("Strategy") or "Rolling", "_polls": 0}
    if self._get_param("DesiredConfiguration"):
        refresh["DesiredConfiguration"] = self._get_param("DesiredConfiguration")
    _refreshes(backend).insert(0, refresh)
    return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})


def _advance(backend: Any, refresh: dict[str, Any]) -> None:
    if refresh["Status"] not in ACTIVE:
        return
    refresh["_polls"] += 1
    total = refresh["InstancesToUpdate"] if refresh["_polls"] == 1 else refresh.get("_total", 0)
    refresh.setdefault("_total", total)
    if refresh["_polls"] >= POLLS_TO_SUCCEED:
        refresh.update(Status="Successful", PercentageComplete=100, InstancesToUpdate=0, EndTime=now())
        refresh.pop("StatusReason", None)
        template = (refresh.get("DesiredConfiguration") or {}).get("LaunchTemplate")
        if template:
            backend.autoscaling_groups[refresh["AutoScalingGroupName"]]._set_launch_configuration(None, template, None)
        return
    done = 50 * (refresh["_polls"] - 1)
    refresh.update(Status="InProgress", PercentageComplete=done,
                   InstancesToUpdate=refresh["_total"] - (refresh["_total"] * done) // 100)
    refresh.pop("StatusReason", None)


def describe_instance_refreshes(self: Any) -> ActionResult:
    backend = self.autoscaling_backend
    name = self._get_param("AutoScalingGroupName")
    _group(backend, name)
    ids = self._get_param("InstanceRefreshIds") or []
    items = [r for r in _refreshes(backend) if r["AutoScalingGroupName"] == name
             and (not ids or r["InstanceRefreshId"] in ids)]
    for refresh in items:
        _advance(backend, refresh)
    return ActionResult({"InstanceRefreshes": [{k: v for k, v in r.items() if not k.startswith("_")}
                                               for r in items]})


def cancel_instance_refresh(self: Any) -> ActionResult:
    backend = self.autoscaling_backend
    name = self._get_param("AutoScalingGroupName")
    _group(backend, name)
    refresh = _active(backend, name)
    if refresh is None:
        raise ActiveInstanceRefreshNotFound(
            f"No in progress or pending Instance Refresh found for Auto Scaling group {name}")
    refresh.update(Status="Cancelled", EndTime=now())
    refresh.pop("StatusReason", None)
    return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})


def install() -> None:
    Response.start_instance_refresh = start_instance_refresh
    Response.describe_instance_refreshes = describe_instance_refreshes
    Response.cancel_instance_refresh = cancel_instance_refresh
