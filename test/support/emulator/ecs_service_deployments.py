"""ecs:DescribeServiceDeployments and ecs:ListServiceDeployments (moto lacks both).

Every deployment a client starts (CreateService, UpdateService with a new
revision or forceNewDeployment) is one service deployment. A rollback that the
circuit breaker starts is not a new service deployment: real ECS reports it on
the failed one (status ROLLBACK_IN_PROGRESS -> ROLLBACK_SUCCESSFUL, with
`rollback`), which is what we do. Results are newest first, as ECS lists them.
"""

from typing import Any

from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.responses import EC2ContainerServiceResponse as Response
from moto.core.responses import ActionResult

from ecs_deployment_model import all_records


def _find(backend: Any, arn: str) -> tuple[Any, Any] | None:
    for key, record in all_records(backend).items():
        for deployment in record.history:
            if deployment.service_deployment_arn == arn:
                cluster, name = key.split(":", 1)
                return backend._get_service(cluster, name), deployment
    return None


def describe_service_deployments(self: Any) -> ActionResult:
    found, failures = [], []
    for arn in self._get_param("serviceDeploymentArns", []):
        match = _find(self.ecs_backend, arn)
        if match:
            service, deployment = match
            found.append(deployment.to_service_deployment(service))
        else:
            failures.append({"arn": arn, "reason": "MISSING"})
    return ActionResult({"serviceDeployments": found, "failures": failures})


def list_service_deployments(self: Any) -> ActionResult:
    backend = self.ecs_backend
    service_param = self._get_param("service")
    if not service_param:
        raise InvalidParameterException("Service cannot be empty.")
    service = backend._get_service(self._get_param("cluster", "default"), service_param.split("/")[-1])
    statuses = self._get_param("status") or []
    created = self._get_param("createdAt") or {}
    record = all_records(backend).get(f"{service.cluster_name}:{service.name}")
    briefs = []
    for deployment in record.history if record else []:
        if statuses and deployment.sd_status not in statuses:
            continue
        if created.get("after") and deployment.created_at < _as_datetime(created["after"]):
            continue
        if created.get("before") and deployment.created_at > _as_datetime(created["before"]):
            continue
        briefs.append(deployment.to_brief(service))
    start = int(self._get_param("nextToken") or 0)
    size = int(self._get_param("maxResults") or 20)
    page = briefs[start:start + size]
    result: dict[str, Any] = {"serviceDeployments": page}
    if start + size < len(briefs):
        result["nextToken"] = str(start + size)
    return ActionResult(result)


def _as_datetime(value: Any) -> Any:
    import datetime
    if isinstance(value, datetime.datetime):
        # moto's parameter parsing turns timestamps into naive UTC datetimes; our records
        # are aware, and Python refuses to compare the two (500 on any createdAt filter).
        return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def install() -> None:
    Response.describe_service_deployments = describe_service_deployments
    Response.list_service_deployments = list_service_deployments
