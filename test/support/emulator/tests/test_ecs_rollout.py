from typing import Any

from conftest import describe, poll, tags

WEB1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1"
WEB2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2"
BREAKER = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}


def create(ecs: Any, desired: int = 2, config: dict | None = None, **tag_values: str) -> dict:
    extra = {"deploymentConfiguration": config} if config else {}
    return ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web:1", desiredCount=desired,
                              tags=tags(**tag_values), **extra)["service"]


def messages(service: dict) -> list[str]:
    return [e["message"] for e in service["events"]]


def test_create_service_is_steady_with_running_tasks(ecs, cluster):
    service = create(ecs)
    [deployment] = service["deployments"]
    assert deployment["status"] == "PRIMARY" and deployment["rolloutState"] == "COMPLETED"
    assert deployment["runningCount"] == 2 and deployment["pendingCount"] == 0
    assert service["runningCount"] == 2
    assert messages(service)[0] == "(service web) has reached a steady state."
    assert service["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": False, "rollback": False}
    assert len(ecs.list_tasks(cluster="prod", serviceName="web")["taskArns"]) == 2


def test_update_starts_in_progress_primary_then_completes_after_three_polls(ecs, cluster):
    create(ecs)
    updated = ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")["service"]
    primary, active = updated["deployments"]
    assert primary["status"] == "PRIMARY" and primary["taskDefinition"] == WEB2
    assert primary["rolloutState"] == "IN_PROGRESS" and primary["runningCount"] == 0 and primary["pendingCount"] == 2
    assert primary["rolloutStateReason"] == f"ECS deployment {primary['id']} in progress."
    assert primary["id"].startswith("ecs-svc/") and primary["id"][8:].isdigit()
    assert active["status"] == "ACTIVE" and active["taskDefinition"] == WEB1
    assert describe(ecs)["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert describe(ecs)["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    done = describe(ecs)
    [deployment] = done["deployments"]
    assert deployment["rolloutState"] == "COMPLETED" and deployment["runningCount"] == 2
    assert deployment["rolloutStateReason"] == f"ECS deployment {deployment['id']} completed."
    assert done["taskDefinition"] == WEB2 and done["runningCount"] == 2
    assert messages(done)[:2] == ["(service web) has reached a steady state.",
                                  f"(service web) (deployment {deployment['id']}) deployment completed."]
    assert any(m.startswith("(service web) has started 1 tasks: (task ") for m in messages(done))
    ids = [e["id"] for e in done["events"]]
    assert len(set(ids)) == len(ids)
    stamps = [e["createdAt"] for e in done["events"]]
    assert stamps == sorted(stamps, reverse=True)
    running = ecs.describe_tasks(cluster="prod", tasks=ecs.list_tasks(cluster="prod", serviceName="web")["taskArns"])
    assert {t["taskDefinitionArn"] for t in running["tasks"]} == {WEB2}
    stopped = ecs.list_tasks(cluster="prod", serviceName="web", desiredStatus="STOPPED")["taskArns"]
    old = ecs.describe_tasks(cluster="prod", tasks=stopped)["tasks"]
    assert len(old) == 2 and all(t["stoppedReason"].startswith("Scaling activity initiated by (deployment ecs-svc/")
                                 for t in old)


def test_same_revision_starts_no_deployment_but_force_does(ecs, cluster):
    create(ecs)
    assert len(ecs.update_service(cluster="prod", service="web", taskDefinition="web:1")["service"]["deployments"]) == 1
    forced = ecs.update_service(cluster="prod", service="web", forceNewDeployment=True)["service"]
    assert [d["status"] for d in forced["deployments"]] == ["PRIMARY", "ACTIVE"]
    assert forced["deployments"][0]["taskDefinition"] == WEB1


def test_update_while_in_progress_supersedes_primary(ecs, cluster):
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64}])
    create(ecs, rollout_polls="5")
    first = ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")["service"]["deployments"][0]
    second = ecs.update_service(cluster="prod", service="web", taskDefinition="web:3")["service"]["deployments"]
    assert [d["status"] for d in second] == ["PRIMARY", "ACTIVE", "ACTIVE"]
    assert second[1]["id"] == first["id"]
    assert poll(ecs, 5)["deployments"][0]["rolloutState"] == "COMPLETED"
    assert len(describe(ecs)["deployments"]) == 1


def test_update_stores_deployment_configuration_and_desired_count(ecs, cluster):
    create(ecs)
    config = {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
              "alarms": {"alarmNames": ["web-5xx"], "enable": True, "rollback": False}}
    service = ecs.update_service(cluster="prod", service="web", desiredCount=3, deploymentConfiguration=config)["service"]
    assert service["desiredCount"] == 3
    assert service["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert service["deploymentConfiguration"]["alarms"] == config["alarms"]
    assert service["deploymentConfiguration"]["maximumPercent"] == 200
    assert describe(ecs)["runningCount"] == 3


def test_circuit_breaker_with_rollback_fails_then_rolls_back(ecs, cluster):
    create(ecs, config=BREAKER, rollout="circuit-breaker")
    failed_id = ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")["service"]["deployments"][0]["id"]
    service = poll(ecs, 3)
    rollback, failed = service["deployments"][:2]
    assert failed["id"] == failed_id and failed["rolloutState"] == "FAILED" and failed["status"] == "ACTIVE"
    assert failed["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert failed["failedTasks"] == 3
    assert rollback["status"] == "PRIMARY" and rollback["taskDefinition"] == WEB1
    assert service["taskDefinition"] == WEB1
    assert f"(service web) (deployment {failed_id}) deployment failed: tasks failed to start." in messages(service)
    assert messages(service)[0] == f"(service web) rolling back to deployment {rollback['id']}."
    stopped = ecs.describe_tasks(cluster="prod", tasks=ecs.list_tasks(
        cluster="prod", family="web", desiredStatus="STOPPED")["taskArns"])["tasks"]
    crashed = [t for t in stopped if t["taskDefinitionArn"] == WEB2]
    assert len(crashed) == 3 and all(t["stopCode"] == "EssentialContainerExited" for t in crashed)
    assert crashed[0]["stoppedReason"] == "Essential container in task exited"
    assert crashed[0]["containers"][0]["exitCode"] == 1
    done = poll(ecs, 3)
    assert [(d["taskDefinition"], d["rolloutState"]) for d in done["deployments"]] == [(WEB1, "COMPLETED")]


def test_circuit_breaker_without_rollback_leaves_failed_primary(ecs, cluster):
    create(ecs, config={"deploymentCircuitBreaker": {"enable": True, "rollback": False}}, rollout="circuit-breaker")
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")
    service = poll(ecs, 4)
    primary, active = service["deployments"]
    assert primary["rolloutState"] == "FAILED" and primary["taskDefinition"] == WEB2
    assert active["status"] == "ACTIVE" and active["runningCount"] == 2
    assert service["taskDefinition"] == WEB2


def test_tasks_stopping_never_finishes(ecs, cluster):
    create(ecs, rollout="tasks-stopping", exit_code="137")
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")
    service = poll(ecs, 6)
    primary = service["deployments"][0]
    assert primary["rolloutState"] == "IN_PROGRESS" and primary["failedTasks"] == 6 and primary["runningCount"] == 0
    assert sum(m.startswith("(service web) has started 1 tasks:") for m in messages(service)) == 6
    stopped = ecs.list_tasks(cluster="prod", serviceName="web", desiredStatus="STOPPED")["taskArns"]
    task = ecs.describe_tasks(cluster="prod", tasks=stopped[:1])["tasks"][0]
    assert task["containers"][0]["exitCode"] == 137 and task["stopCode"] == "EssentialContainerExited"


def test_unplaceable_reports_insufficient_memory(ecs, cluster):
    create(ecs, rollout="unplaceable")
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")
    service = poll(ecs, 4)
    assert service["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert service["deployments"][0]["runningCount"] == 0
    unable = [m for m in messages(service) if "was unable to place a task" in m]
    assert len(unable) == 4
    assert "The closest matching (container-instance " in unable[0] and "insufficient memory available" in unable[0]


def test_slow_needs_twenty_polls(ecs, cluster):
    create(ecs, rollout="slow")
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")
    assert poll(ecs, 19)["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert describe(ecs)["deployments"][0]["rolloutState"] == "COMPLETED"


def test_client_rollback_to_completed_revision_completes_despite_tag(ecs, cluster):
    create(ecs, rollout="tasks-stopping")
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")
    poll(ecs, 3)
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:1")
    service = poll(ecs, 3)
    assert [(d["taskDefinition"], d["rolloutState"]) for d in service["deployments"]] == [(WEB1, "COMPLETED")]


def test_tag_resource_changes_mode_of_next_deployment(ecs, cluster):
    arn = create(ecs)["serviceArn"]
    ecs.tag_resource(resourceArn=arn, tags=tags(rollout="unplaceable", rollout_polls="1"))
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")
    assert describe(ecs)["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    ecs.untag_resource(resourceArn=arn, tagKeys=["emulator:rollout"])
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:2", forceNewDeployment=True)
    assert describe(ecs)["deployments"][0]["rolloutState"] == "COMPLETED"


def test_unknown_rollout_mode_is_rejected_before_anything_changes(ecs, cluster):
    import botocore.exceptions
    import pytest
    create(ecs, rollout="compleat")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert describe(ecs)["taskDefinition"] == WEB1
