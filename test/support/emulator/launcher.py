"""Start moto's server with the emulator patches applied.

    python3 launcher.py --host 127.0.0.1 --port 5000

Behaves like `moto_server` (all services, /moto-api/reset, ...) plus the
patches in this folder, described in test/support/README.md. Prints
`emulator listening on http://HOST:PORT` once it accepts connections, and
runs until SIGINT/SIGTERM.
"""

import argparse
import os
import signal
import sys

SUPPORTED_MOTO = "5.2.1"


def _check_moto() -> None:
    import moto

    if moto.__version__ != SUPPORTED_MOTO:
        print(f"emulator: the patches were written for moto {SUPPORTED_MOTO}, but moto "
              f"{moto.__version__} is installed; install moto[server]=={SUPPORTED_MOTO}.", file=sys.stderr)
        sys.exit(2)


def _install_patches() -> None:
    import alarm_history
    import ecs_rollout
    import ecs_service_deployments
    import ecs_tasks
    import elbv2_targets
    import iam_signatures
    import instance_refresh
    import one_off_tasks
    from emulator_state import LOCK
    from moto.autoscaling.responses import AutoScalingResponse
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.elbv2.responses import ELBV2Response

    for module in (ecs_tasks, elbv2_targets, ecs_rollout, ecs_service_deployments, one_off_tasks,
                   alarm_history, instance_refresh, iam_signatures):
        module.install()
    # moto serves each request on its own thread; the patched services share
    # state (ECS tasks register ELB targets), so each of their requests,
    # serialization included, runs under one lock.
    for response_class in (EC2ContainerServiceResponse, ELBV2Response, CloudWatchResponse, AutoScalingResponse):
        original = response_class.call_action

        def call_action(self, _original=original):  # type: ignore[no-untyped-def]
            with LOCK:
                return _original(self)

        response_class.call_action = call_action


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    _check_moto()
    os.environ.setdefault("MOTO_PORT", str(args.port))  # moto uses it to build self-URLs
    _install_patches()

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    from emulator_api import EmulatorApi

    app = EmulatorApi(DomainDispatcherApplication(create_backend_app))
    server = make_server(args.host, args.port, app, threaded=True)  # binds and listens here

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"emulator listening on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
