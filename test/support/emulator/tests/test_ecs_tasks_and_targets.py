from typing import Any

from conftest import describe, poll



def target_group(client: Any) -> str:
    ec2, elbv2 = client("ec2"), client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    return elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc,
                                     TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]


def create(ecs: Any, group: str | None = None, desired: int = 2, **tag_values: str) -> None:
    lbs = [{"targetGroupArn": group, "containerName": "app", "containerPort": 80}] if group else []
    ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web:1", desiredCount=desired,
                       loadBalancers=lbs, tags=[{"key": f"emulator:{k}", "value": v} for k, v in tag_values.items()])


def service_tasks(ecs: Any, status: str = "RUNNING") -> list[dict]:
    arns = ecs.list_tasks(cluster="prod", serviceName="web", desiredStatus=status)["taskArns"]
    return ecs.describe_tasks(cluster="prod", tasks=arns)["tasks"] if arns else []


def test_service_tasks_have_real_shape_and_round_robin_placement(ecs, cluster):
    create(ecs, desired=4)
    tasks = service_tasks(ecs)
    assert len(tasks) == 4
    deployment_id = describe(ecs)["deployments"][0]["id"]
    for task in tasks:
        assert task["group"] == "service:web" and task["startedBy"] == deployment_id
        assert task["lastStatus"] == "RUNNING" and task["desiredStatus"] == "RUNNING"
        assert [c["name"] for c in task["containers"]] == ["app", "sidecar"]
        [binding] = task["containers"][0]["networkBindings"]
        assert binding["containerPort"] == 80 and 32768 <= binding["hostPort"] <= 60999
        assert "exitCode" not in task["containers"][0]
    instances = [t["containerInstanceArn"] for t in tasks]
    assert len(set(instances)) == 2 and instances.count(instances[0]) == 2
    described = ecs.describe_container_instances(cluster="prod", containerInstances=list(set(instances)))
    assert [ci["runningTasksCount"] for ci in described["containerInstances"]] == [2, 2]


def test_list_tasks_defaults_to_running_and_filters_by_service_and_family(ecs, cluster):
    create(ecs)
    ecs.create_service(cluster="prod", serviceName="other", taskDefinition="web:1", desiredCount=1)
    assert len(ecs.list_tasks(cluster="prod", serviceName="web")["taskArns"]) == 2
    assert len(ecs.list_tasks(cluster="prod", family="web")["taskArns"]) == 3
    assert ecs.list_tasks(cluster="prod", serviceName="web", desiredStatus="STOPPED")["taskArns"] == []


def test_tasks_without_container_instances_still_exist(ecs):
    ecs.create_cluster(clusterName="prod")
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "app", "image": "x", "memory": 64}])
    create(ecs)
    tasks = service_tasks(ecs)
    assert len(tasks) == 2 and all("containerInstanceArn" not in t for t in tasks)


def test_targets_follow_tasks_initial_then_healthy(ecs, client, cluster):
    elbv2 = client("elbv2")
    group = target_group(client)
    create(ecs, group)
    ports = {t["containers"][0]["networkBindings"][0]["hostPort"] for t in service_tasks(ecs)}
    health = elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    assert {h["Target"]["Port"] for h in health} == ports
    assert {h["Target"]["Id"] for h in health} == set(cluster["instances"])
    assert {h["TargetHealth"]["State"] for h in health} == {"initial"}
    assert health[0]["TargetHealth"]["Reason"] == "Elb.RegistrationInProgress"
    health = elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    assert {h["TargetHealth"]["State"] for h in health} == {"healthy"}
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")
    poll(ecs, 3)
    new_ports = {t["containers"][0]["networkBindings"][0]["hostPort"] for t in service_tasks(ecs)}
    health = elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    assert {h["Target"]["Port"] for h in health} == new_ports and len(health) == 2


def test_unhealthy_targets_keep_rollout_in_progress(ecs, client, cluster):
    elbv2 = client("elbv2")
    group = target_group(client)
    create(ecs, group, **{"rollout": "unhealthy-targets"})
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")
    service = poll(ecs, 4)
    assert service["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert service["deployments"][0]["runningCount"] == 2
    assert any("is unhealthy in (target-group " in e["message"] for e in service["events"])
    elbv2.describe_target_health(TargetGroupArn=group)
    states = {(h["TargetHealth"]["State"], h["TargetHealth"].get("Reason"))
              for h in elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]}
    assert ("unhealthy", "Target.FailedHealthChecks") in states and ("healthy", None) in states


def test_run_task_one_off_lifecycle_and_exit_code_override(ecs, cluster):
    task = ecs.run_task(cluster="prod", taskDefinition="web:1", overrides={"containerOverrides": [
        {"name": "app", "environment": [{"name": "EMULATOR_EXIT_CODE", "value": "3"}]}]})["tasks"][0]
    assert task["lastStatus"] == "PENDING"
    states = [ecs.describe_tasks(cluster="prod", tasks=[task["taskArn"]])["tasks"][0] for _ in range(3)]
    assert [s["lastStatus"] for s in states] == ["RUNNING", "RUNNING", "STOPPED"]
    stopped = states[-1]
    assert stopped["stopCode"] == "EssentialContainerExited" and stopped["desiredStatus"] == "STOPPED"
    assert stopped["stoppedReason"] == "Essential container in task exited"
    assert stopped["containers"][0]["exitCode"] == 3 and "stoppedAt" in stopped
    ok = ecs.run_task(cluster="prod", taskDefinition="web:1")["tasks"][0]["taskArn"]
    for _ in range(3):
        final = ecs.describe_tasks(cluster="prod", tasks=[ok])["tasks"][0]
    assert final["containers"][0]["exitCode"] == 0


def test_stop_task_on_service_task_deregisters_target(ecs, client, cluster):
    elbv2 = client("elbv2")
    group = target_group(client)
    create(ecs, group, desired=1)
    [task] = service_tasks(ecs)
    stopped = ecs.stop_task(cluster="prod", task=task["taskArn"], reason="debug")["task"]
    assert stopped["stopCode"] == "UserInitiated" and stopped["stoppedReason"] == "debug"
    assert elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"] == []
