import datetime
import json

from conftest import REGION, post


def put_alarm(cw, name="web-5xx"):
    cw.put_metric_alarm(AlarmName=name, MetricName="HTTPCode_Target_5XX_Count", Namespace="AWS/ApplicationELB",
                        Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
                        ComparisonOperator="GreaterThanThreshold")


def test_new_alarm_is_insufficient_data_and_history_records_changes(client):
    cw = client("cloudwatch")
    put_alarm(cw)
    alarm = cw.describe_alarms(AlarmNames=["web-5xx"])["MetricAlarms"][0]
    assert alarm["StateValue"] == "INSUFFICIENT_DATA"
    cw.set_alarm_state(AlarmName="web-5xx", StateValue="ALARM", StateReason="5xx spike")
    cw.set_alarm_state(AlarmName="web-5xx", StateValue="OK", StateReason="recovered")
    items = cw.describe_alarm_history(AlarmName="web-5xx")["AlarmHistoryItems"]
    assert [i["HistoryItemType"] for i in items] == ["StateUpdate", "StateUpdate", "ConfigurationUpdate"]
    assert items[0]["HistorySummary"] == "Alarm updated from ALARM to OK"
    data = json.loads(items[0]["HistoryData"])
    assert data["version"] == "1.0"
    assert data["oldState"] == {"stateValue": "ALARM", "stateReason": "5xx spike"}
    assert data["newState"]["stateValue"] == "OK"
    alarm = cw.describe_alarms(AlarmNames=["web-5xx"])["MetricAlarms"][0]
    assert alarm["StateTransitionedTimestamp"] == items[0]["Timestamp"] == alarm["StateUpdatedTimestamp"]
    ascending = cw.describe_alarm_history(AlarmName="web-5xx", ScanBy="TimestampAscending",
                                          HistoryItemType="StateUpdate")["AlarmHistoryItems"]
    assert [i["HistorySummary"] for i in ascending] == ["Alarm updated from INSUFFICIENT_DATA to ALARM",
                                                        "Alarm updated from ALARM to OK"]


def test_updating_an_alarm_keeps_its_state(client):
    cw = client("cloudwatch")
    put_alarm(cw)
    cw.set_alarm_state(AlarmName="web-5xx", StateValue="ALARM", StateReason="x")
    put_alarm(cw)
    assert cw.describe_alarms(AlarmNames=["web-5xx"])["MetricAlarms"][0]["StateValue"] == "ALARM"


def test_paging_and_date_filters(client):
    cw = client("cloudwatch")
    put_alarm(cw)
    for state in ("OK", "ALARM", "OK"):
        cw.set_alarm_state(AlarmName="web-5xx", StateValue=state, StateReason=state)
    first = cw.describe_alarm_history(AlarmName="web-5xx", MaxRecords=3)
    second = cw.describe_alarm_history(AlarmName="web-5xx", MaxRecords=3, NextToken=first["NextToken"])
    assert len(first["AlarmHistoryItems"]) == 3 and len(second["AlarmHistoryItems"]) == 1
    assert "NextToken" not in second
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    assert cw.describe_alarm_history(AlarmName="web-5xx", StartDate=future)["AlarmHistoryItems"] == []


def test_emulator_api_backdates_alarm_state(client, endpoint):
    cw = client("cloudwatch")
    put_alarm(cw)
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
    status, body = post(endpoint, "/emulator-api/alarm-state", {
        "region": REGION, "alarmName": "web-5xx", "state": "OK", "reason": "quiet", "timestamp": when.isoformat()})
    assert status == 200 and body["stateValue"] == "OK"
    alarm = cw.describe_alarms(AlarmNames=["web-5xx"])["MetricAlarms"][0]
    assert alarm["StateValue"] == "OK" and alarm["StateReason"] == "quiet"
    assert abs((alarm["StateTransitionedTimestamp"] - when).total_seconds()) < 1
    item = cw.describe_alarm_history(AlarmName="web-5xx", HistoryItemType="StateUpdate")["AlarmHistoryItems"][0]
    assert abs((item["Timestamp"] - when).total_seconds()) < 1
    assert post(endpoint, "/emulator-api/alarm-state", {"region": REGION, "alarmName": "nope", "state": "OK"})[0] == 404
    assert post(endpoint, "/emulator-api/alarm-state", {"region": REGION, "alarmName": "web-5xx",
                                                         "state": "RED"})[0] == 400
