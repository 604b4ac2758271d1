import os
import subprocess
import sys

from conftest import LAUNCHER, post


def test_reset_clears_emulator_state(ecs, client, cluster, endpoint):
    ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web:1", desiredCount=1)
    cw = client("cloudwatch")
    cw.put_metric_alarm(AlarmName="a", MetricName="m", Namespace="n", Statistic="Sum", Period=60,
                        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
    post(endpoint, "/moto-api/reset")
    assert cw.describe_alarm_history(AlarmName="a")["AlarmHistoryItems"] == []
    ecs.create_cluster(clusterName="prod")
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "app", "image": "x", "memory": 64}])
    ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web:1", desiredCount=1)
    assert len(ecs.list_service_deployments(cluster="prod", service="web")["serviceDeployments"]) == 1


def test_refuses_other_moto_versions(tmp_path):
    fake = tmp_path / "moto"
    fake.mkdir()
    (fake / "__init__.py").write_text('__version__ = "4.0.0"\n')
    result = subprocess.run([sys.executable, LAUNCHER, "--port", "1"], capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(tmp_path)), timeout=30)
    assert result.returncode == 2
    assert "written for moto 5.2.1" in result.stderr and result.stdout == ""
