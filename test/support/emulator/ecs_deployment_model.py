"""The records behind ECS rolling deployments (one per ecs-svc/... deployment).

A `Deployment` is both what DescribeServices shows in `deployments` and what
DescribeServiceDeployments / ListServiceDeployments show as a service
deployment. `ServiceRecord` is our per-service state, kept on moto's ECS
backend (so /moto-api/reset clears it).
"""

import math
import uuid
from typing import Any

from emulator_state import backend_state, now, random_digits, random_id

# Real ECS keeps up to 100 events on a service (newest first).
MAX_EVENTS = 100


class Deployment:
    def __init__(self, service: Any, task_definition: str, desired: int, mode: str,
                 polls: int, exit_code: int, revision_arn: str | None = None) -> None:
        stamp = now()
        self.id = f"ecs-svc/{random_digits(19)}"
        self.task_definition = task_definition
        self.status = "PRIMARY"
        self.desired_count = desired
        self.failed_tasks = 0
        self.created_at = self.updated_at = stamp
        self.rollout_state = "IN_PROGRESS"
        self.rollout_state_reason = f"ECS deployment {self.id} in progress."
        self.mode = mode
        self.polls_needed = max(1, polls)
        self.steps = 0
        self.exit_code = exit_code
        self.tasks: list[Any] = []
        self.launch_type = service.launch_type
        self.network_configuration = service.network_configuration or None
        # --- service deployment view (DescribeServiceDeployments) ---
        self.service_deployment_arn = (
            f"arn:aws:ecs:{service.region_name}:{service._account_id}:service-deployment/"
            f"{service.cluster_name}/{service.name}/{random_id()}")
        self.revision_arn = revision_arn or (
            f"arn:aws:ecs:{service.region_name}:{service._account_id}:service-revision/"
            f"{service.cluster_name}/{service.name}/{random_digits(19)}")
        self.sd_status = "IN_PROGRESS"
        self.sd_status_reason: str | None = None
        self.finished_at = None
        self.stopped_at = None
        self.sources: list["Deployment"] = []
        self.rollback: dict[str, Any] | None = None
        self.config = dict(getattr(service, "deployment_configuration", None) or {})
        # Set when ECS itself started this deployment to roll back `rolls_back`.
        self.rolls_back: "Deployment | None" = None

    # -- counts -----------------------------------------------------------
    def running_tasks(self) -> list[Any]:
        return [t for t in self.tasks if t.last_status == "RUNNING"]

    def running(self) -> int:
        return len(self.running_tasks())

    def pending(self) -> int:
        if self.rollout_state != "IN_PROGRESS" or self.status != "PRIMARY":
            return 0
        return max(0, self.desired_count - self.running())

    def circuit_breaker(self) -> dict[str, Any]:
        return self.config.get("deploymentCircuitBreaker") or {"enable": False, "rollback": False}

    def failure_threshold(self) -> int:
        # ECS: half the desired count, at least 3, at most 200 (Developer Guide,
        # "How the deployment circuit breaker detects failures").
        return min(200, max(3, math.ceil(self.desired_count * 0.5)))

    def touch(self) -> None:
        self.updated_at = now()

    # -- API shapes -------------------------------------------------------
    def to_deployment(self) -> dict[str, Any]:
        """ecs:DescribeServices `Deployment` shape."""
        shape = {
            "id": self.id,
            "status": self.status,
            "taskDefinition": self.task_definition,
            "desiredCount": self.desired_count,
            "pendingCount": self.pending(),
            "runningCount": self.running(),
            "failedTasks": self.failed_tasks,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "launchType": self.launch_type,
            "rolloutState": self.rollout_state,
            "rolloutStateReason": self.rollout_state_reason,
        }
        if self.network_configuration:
            shape["networkConfiguration"] = self.network_configuration
        return shape

    def revision_summary(self) -> dict[str, Any]:
        return {"arn": self.revision_arn, "requestedTaskCount": self.desired_count,
                "runningTaskCount": self.running(), "pendingTaskCount": self.pending()}

    def to_service_deployment(self, service: Any) -> dict[str, Any]:
        """ecs:DescribeServiceDeployments `ServiceDeployment` shape."""
        breaker = self.circuit_breaker()
        if not breaker.get("enable"):
            breaker_status = "DISABLED"
        elif self.rollout_state == "FAILED":
            breaker_status = "TRIGGERED"
        elif self.sd_status == "IN_PROGRESS":
            breaker_status = "MONITORING"
        else:
            breaker_status = "MONITORING_COMPLETE"
        shape: dict[str, Any] = {
            "serviceDeploymentArn": self.service_deployment_arn,
            "serviceArn": service.arn,
            "clusterArn": service.cluster_arn,
            "createdAt": self.created_at,
            "startedAt": self.created_at,
            "updatedAt": self.updated_at,
            "sourceServiceRevisions": [s.revision_summary() for s in self.sources],
            "targetServiceRevision": self.revision_summary(),
            "status": self.sd_status,
            "deploymentConfiguration": self.config,
            "deploymentCircuitBreaker": {"status": breaker_status, "failureCount": self.failed_tasks,
                                         "threshold": self.failure_threshold()},
        }
        for key, value in (("statusReason", self.sd_status_reason), ("finishedAt", self.finished_at),
                           ("stoppedAt", self.stopped_at), ("rollback", self.rollback)):
            if value is not None:
                shape[key] = value
        alarms = self.config.get("alarms")
        if alarms:
            shape["alarms"] = {"status": "MONITORING" if alarms.get("enable") and self.sd_status == "IN_PROGRESS"
                               else ("MONITORING_COMPLETE" if alarms.get("enable") else "DISABLED"),
                               "alarmNames": alarms.get("alarmNames", []), "triggeredAlarmNames": []}
        return shape

    def to_brief(self, service: Any) -> dict[str, Any]:
        brief = {"serviceDeploymentArn": self.service_deployment_arn, "serviceArn": service.arn,
                 "clusterArn": service.cluster_arn, "createdAt": self.created_at,
                 "startedAt": self.created_at, "targetServiceRevisionArn": self.revision_arn,
                 "status": self.sd_status}
        if self.finished_at:
            brief["finishedAt"] = self.finished_at
        if self.sd_status_reason:
            brief["statusReason"] = self.sd_status_reason
        return brief


class ServiceRecord:
    def __init__(self) -> None:
        self.deployments: list[Deployment] = []  # current, newest (PRIMARY) first
        self.history: list[Deployment] = []  # every deployment with its own service deployment
        self.completed_revisions: set[str] = set()

    @property
    def primary(self) -> Deployment | None:
        return self.deployments[0] if self.deployments else None


def record_for(backend: Any, service: Any) -> ServiceRecord:
    records = backend_state(backend, "ecs_services", dict)
    key = f"{service.cluster_name}:{service.name}"
    if key not in records:
        records[key] = ServiceRecord()
    return records[key]


def all_records(backend: Any) -> dict[str, ServiceRecord]:
    return backend_state(backend, "ecs_services", dict)


def add_event(service: Any, message: str) -> None:
    """Service events are newest first, each with its own id and timestamp."""
    service.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": now(), "message": message})
    del service.events[MAX_EVENTS:]


def sync_service(service: Any, record: ServiceRecord) -> None:
    """Copy our records onto moto's Service object, which moto serializes."""
    service.deployments = [d.to_deployment() for d in record.deployments]
    service.running_count = sum(d.running() for d in record.deployments)
    service.pending_count = sum(d.pending() for d in record.deployments)
    if record.primary:
        service.task_definition = record.primary.task_definition
