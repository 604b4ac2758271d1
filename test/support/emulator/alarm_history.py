"""CloudWatch alarm state history (DescribeAlarmHistory, which moto lacks).

Mirrors CloudWatch:
- a new alarm starts in INSUFFICIENT_DATA ("Unchecked: Initial alarm creation");
  moto starts it in OK. PutMetricAlarm on an existing alarm keeps its state
  (the API reference: "its state is left unchanged").
- PutMetricAlarm records a ConfigurationUpdate item; every state change
  (SetAlarmState, or the test control below) records a StateUpdate item with
  HistoryData {"version":"1.0","oldState":{...},"newState":{...}} and the summary
  "Alarm updated from OK to ALARM".
- StateUpdatedTimestamp moves on every state update, StateTransitionedTimestamp
  only when the state value changes; both equal the history item's Timestamp.
History lives on the backend, so (as in CloudWatch) it outlives DeleteAlarms.
"""

import datetime
import json
from typing import Any

from moto.cloudwatch.models import CloudWatchBackend as Backend, cloudwatch_backends
from moto.cloudwatch.responses import CloudWatchResponse as Response
from moto.core.responses import ActionResult

from emulator_state import LOCK, backend_state, now

_original_put = Backend.put_metric_alarm
_original_set_state = Backend.set_alarm_state


def _history(backend: Any) -> list[dict[str, Any]]:
    return backend_state(backend, "alarm_history", list)


def _alarm_type(alarm: Any) -> str:
    return "CompositeAlarm" if getattr(alarm, "rule", None) else "MetricAlarm"


def _record(backend: Any, alarm: Any, item_type: str, summary: str, data: dict, at: datetime.datetime) -> None:
    _history(backend).append({"AlarmName": alarm.name, "AlarmType": _alarm_type(alarm), "Timestamp": at,
                              "HistoryItemType": item_type, "HistorySummary": summary,
                              "HistoryData": json.dumps(data)})


def put_metric_alarm(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    existing = self.alarms.get(name)
    alarm = _original_put(self, name, *args, **kwargs)
    stamp = now()
    alarm.configuration_updated_timestamp = stamp
    if existing is not None:
        for attr in ("state_value", "state_reason", "state_reason_data", "state_updated_timestamp",
                     "state_transitioned_timestamp"):
            setattr(alarm, attr, getattr(existing, attr, None))
        kind, summary = "Update", f'Alarm "{name}" updated'
    else:
        alarm.state_value, alarm.state_reason = "INSUFFICIENT_DATA", "Unchecked: Initial alarm creation"
        alarm.state_updated_timestamp = alarm.state_transitioned_timestamp = stamp
        kind, summary = "Create", f'Alarm "{name}" created'
    key = "createdAlarm" if kind == "Create" else "updatedAlarm"
    _record(self, alarm, "ConfigurationUpdate", summary,
            {"version": "1.0", "type": kind, key: {"alarmName": name, "threshold": alarm.threshold,
                                                   "comparisonOperator": alarm.comparison_operator}}, stamp)
    return alarm


def apply_state(backend: Any, alarm: Any, state: str, reason: str, reason_data: str | None,
                at: datetime.datetime) -> None:
    """Set an alarm's state at time `at` and record it, as CloudWatch would."""
    old = {"stateValue": alarm.state_value, "stateReason": alarm.state_reason}
    new: dict[str, Any] = {"stateValue": state, "stateReason": reason}
    if reason_data:
        new["stateReasonData"] = json.loads(reason_data)
    alarm.state_value, alarm.state_reason = state, reason
    alarm.state_reason_data = reason_data or "{}"
    alarm.state_updated_timestamp = at
    if old["stateValue"] != state:
        alarm.state_transitioned_timestamp = at
        _record(backend, alarm, "StateUpdate", f"Alarm updated from {old['stateValue']} to {state}",
                {"version": "1.0", "oldState": old, "newState": new}, at)


def set_alarm_state(self: Any, alarm_name: str, reason: str, reason_data: str, state_value: str) -> None:
    alarm = self.alarms.get(alarm_name)
    old_value, old_reason = (alarm.state_value, alarm.state_reason) if alarm else (None, None)
    _original_set_state(self, alarm_name, reason, reason_data, state_value)  # validates
    alarm.state_value, alarm.state_reason = old_value, old_reason
    apply_state(self, alarm, state_value, reason, reason_data, now())


def _as_datetime(value: Any) -> datetime.datetime | None:
    if value is None or isinstance(value, datetime.datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def describe_alarm_history(self: Any) -> ActionResult:
    name = self._get_param("AlarmName")
    types = self._get_param("AlarmTypes") or ["MetricAlarm", "CompositeAlarm"]
    item_type = self._get_param("HistoryItemType")
    start, end = _as_datetime(self._get_param("StartDate")), _as_datetime(self._get_param("EndDate"))
    items = [i for i in _history(self.cloudwatch_backend)
             if (not name or i["AlarmName"] == name) and i["AlarmType"] in types
             and (not item_type or i["HistoryItemType"] == item_type)
             and (start is None or i["Timestamp"] >= start) and (end is None or i["Timestamp"] <= end)]
    items.sort(key=lambda i: i["Timestamp"], reverse=self._get_param("ScanBy") != "TimestampAscending")
    offset = int(self._get_param("NextToken") or 0)
    size = int(self._get_param("MaxRecords") or 100)
    result: dict[str, Any] = {"AlarmHistoryItems": items[offset:offset + size]}
    if offset + size < len(items):
        result["NextToken"] = str(offset + size)
    return ActionResult(result)


def control_alarm_state(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST /emulator-api/alarm-state: set state as of `timestamp` (may be in the past)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    try:
        region, name, state = body["region"], body["alarmName"], body["state"]
        at = _as_datetime(body.get("timestamp")) or now()
    except (KeyError, ValueError) as error:
        return 400, {"error": f"need region, alarmName, state and an ISO timestamp: {error}"}
    if state not in ("OK", "ALARM", "INSUFFICIENT_DATA"):
        return 400, {"error": "state must be OK, ALARM or INSUFFICIENT_DATA"}
    with LOCK:
        backend = cloudwatch_backends[body.get("account") or DEFAULT_ACCOUNT_ID][region]
        alarm = backend.alarms.get(name)
        if alarm is None:
            return 404, {"error": f"no alarm named {name} in {region}"}
        apply_state(backend, alarm, state, body.get("reason") or "Set by emulator-api", None, at)
        return 200, {"alarmName": name, "stateValue": state,
                     "stateUpdatedTimestamp": alarm.state_updated_timestamp.isoformat()}


def install() -> None:
    Backend.put_metric_alarm = put_metric_alarm
    Backend.set_alarm_state = set_alarm_state
    Response.describe_alarm_history = describe_alarm_history
