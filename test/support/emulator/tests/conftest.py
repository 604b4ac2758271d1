"""Start the patched emulator once per session; reset it before every test."""

import json
import os
import socket
import subprocess
import sys
import urllib.request
from typing import Any, Iterator

import boto3
import pytest

LAUNCHER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "launcher.py")
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def endpoint() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, LAUNCHER, "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline().strip()  # blocks until the server listens
    assert line == f"emulator listening on http://127.0.0.1:{port}", line
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def post(endpoint: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(endpoint + path, data=json.dumps(body or {}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture(autouse=True)
def reset(endpoint: str) -> None:
    post(endpoint, "/moto-api/reset")


@pytest.fixture
def client(endpoint: str) -> Any:
    def make(service: str) -> Any:
        return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                            aws_access_key_id="testing", aws_secret_access_key="testing")
    return make


@pytest.fixture
def ecs(client: Any) -> Any:
    return client("ecs")


@pytest.fixture
def cluster(client: Any, ecs: Any) -> dict[str, Any]:
    """A cluster 'prod' with two registered EC2 container instances and revisions web:1, web:2."""
    ec2 = client("ec2")
    ecs.create_cluster(clusterName="prod")
    # An AMI moto ships (DescribeImages is slow: it loads the whole catalogue).
    reservation = ec2.run_instances(ImageId="ami-760aaa0f", MinCount=2, MaxCount=2)
    instance_ids = [i["InstanceId"] for i in reservation["Instances"]]
    for instance_id in instance_ids:
        ecs.register_container_instance(cluster="prod", instanceIdentityDocument=json.dumps(
            {"instanceId": instance_id, "region": REGION}))
    for _ in range(2):
        ecs.register_task_definition(family="web", networkMode="bridge", containerDefinitions=[
            {"name": "app", "image": "nginx", "memory": 128, "portMappings": [{"containerPort": 80}]},
            {"name": "sidecar", "image": "busybox", "memory": 32, "essential": False}])
    return {"name": "prod", "instances": instance_ids}


def tags(**values: str) -> list[dict[str, str]]:
    return [{"key": f"emulator:{k.replace('_', '-')}", "value": v} for k, v in values.items()]


def describe(ecs: Any, name: str = "web") -> dict[str, Any]:
    return ecs.describe_services(cluster="prod", services=[name])["services"][0]


def poll(ecs: Any, times: int, name: str = "web") -> dict[str, Any]:
    service = None
    for _ in range(times):
        service = describe(ecs, name)
    return service
