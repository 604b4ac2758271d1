"""Test-only HTTP controls under /emulator-api/ (not AWS APIs).

Only what a test cannot do through AWS APIs without waiting in real time:
  POST /emulator-api/alarm-state   backdate an alarm state (see alarm_history)
Everything else is passed to moto's server application unchanged.
"""

import json
from typing import Any, Callable

from alarm_history import control_alarm_state

ROUTES: dict[str, Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]] = {
    "/emulator-api/alarm-state": control_alarm_state,
}
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}


class EmulatorApi:
    """WSGI middleware in front of moto's DomainDispatcherApplication."""

    def __init__(self, moto_app: Any) -> None:
        self.moto_app = moto_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/emulator-api/"):
            return self.moto_app(environ, start_response)
        handler = ROUTES.get(path.rstrip("/"))
        if handler is None:
            status, payload = 404, {"error": f"unknown control {path}", "controls": sorted(ROUTES)}
        elif environ.get("REQUEST_METHOD") != "POST":
            status, payload = 405, {"error": "use POST with a JSON body"}
        else:
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = json.loads(environ["wsgi.input"].read(length) or b"{}")
                status, payload = handler(body)
            except json.JSONDecodeError as error:
                status, payload = 400, {"error": f"body is not JSON: {error}"}
        data = json.dumps(payload).encode()
        start_response(f"{status} {REASONS[status]}", [("Content-Type", "application/json"),
                                                         ("Content-Length", str(len(data)))])
        return [data]
