from conftest import poll, tags

BREAKER = {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
           "alarms": {"alarmNames": ["web-5xx"], "enable": True, "rollback": True}}


def test_list_and_describe_service_deployments(ecs, cluster):
    ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web:1", desiredCount=2)
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")
    listed = ecs.list_service_deployments(cluster="prod", service="web")["serviceDeployments"]
    assert [d["status"] for d in listed] == ["IN_PROGRESS", "SUCCESSFUL"]
    arn = listed[0]["serviceDeploymentArn"]
    assert arn.startswith("arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/")
    only = ecs.list_service_deployments(cluster="prod", service="web", status=["SUCCESSFUL"])["serviceDeployments"]
    assert len(only) == 1
    poll(ecs, 3)
    described = ecs.describe_service_deployments(serviceDeploymentArns=[arn, arn + "x"])
    [deployment] = described["serviceDeployments"]
    assert deployment["status"] == "SUCCESSFUL" and "finishedAt" in deployment
    assert deployment["targetServiceRevision"]["runningTaskCount"] == 2
    assert deployment["sourceServiceRevisions"][0]["arn"] == listed[1]["targetServiceRevisionArn"]
    assert deployment["deploymentCircuitBreaker"] == {"status": "DISABLED", "failureCount": 0, "threshold": 3}
    assert described["failures"] == [{"arn": arn + "x", "reason": "MISSING"}]


def test_circuit_breaker_rollback_is_reported_on_the_failed_deployment(ecs, cluster):
    ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web:1", desiredCount=2,
                       deploymentConfiguration=BREAKER, tags=tags(rollout="circuit-breaker"))
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")
    poll(ecs, 3)
    arn = ecs.list_service_deployments(cluster="prod", service="web")["serviceDeployments"][0]["serviceDeploymentArn"]
    failed = ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]
    assert failed["status"] == "ROLLBACK_IN_PROGRESS"
    assert failed["deploymentCircuitBreaker"] == {"status": "TRIGGERED", "failureCount": 3, "threshold": 3}
    assert failed["rollback"]["reason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert failed["rollback"]["serviceRevisionArn"] == failed["sourceServiceRevisions"][0]["arn"]
    assert failed["alarms"]["alarmNames"] == ["web-5xx"]
    poll(ecs, 3)
    finished = ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]
    assert finished["status"] == "ROLLBACK_SUCCESSFUL"
