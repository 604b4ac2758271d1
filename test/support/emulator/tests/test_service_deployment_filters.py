import datetime

UTC = datetime.timezone.utc


def test_list_service_deployments_filters_by_created_at(ecs, cluster):
    ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web:1", desiredCount=1)
    ecs.update_service(cluster="prod", service="web", taskDefinition="web:2")
    now = datetime.datetime.now(UTC)
    recent = ecs.list_service_deployments(cluster="prod", service="web",
                                          createdAt={"after": now - datetime.timedelta(minutes=5)})
    assert len(recent["serviceDeployments"]) == 2
    future = ecs.list_service_deployments(cluster="prod", service="web",
                                          createdAt={"after": now + datetime.timedelta(minutes=5)})
    assert future["serviceDeployments"] == []
    past = ecs.list_service_deployments(cluster="prod", service="web",
                                        createdAt={"before": now - datetime.timedelta(minutes=5)})
    assert past["serviceDeployments"] == []
