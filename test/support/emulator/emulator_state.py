"""Shared plumbing for the patches: one lock, per-backend extra state, a clock.

Why state lives on moto's backend objects: `/moto-api/reset` rebuilds every
backend (`BaseBackend.reset` clears `__dict__` and re-runs `__init__`), so any
attribute we hang on a backend disappears with it. Our extra state is therefore
reset exactly when moto's own state is, with no extra hook to forget.
"""

import datetime
import random
import string
import threading
from typing import Any, Callable, TypeVar

T = TypeVar("T")

# moto's server handles each request on its own thread. Every patch that reads
# or writes our extra state (or moto state it derives from) holds this lock.
# Re-entrant because patched actions call other patched helpers.
LOCK = threading.RLock()


def backend_state(backend: Any, key: str, factory: Callable[[], T]) -> T:
    """Extra state attached to one (account, region) backend of one service."""
    attr = f"_emulator_{key}"
    value = backend.__dict__.get(attr)
    if value is None:
        value = factory()
        backend.__dict__[attr] = value
    return value


def now() -> datetime.datetime:
    """Timezone-aware UTC now; moto's serializers format aware datetimes fine."""
    return datetime.datetime.now(datetime.timezone.utc)


def random_digits(length: int) -> str:
    # ECS deployment ids look like ecs-svc/1234567890123456789 (19 digits).
    return str(random.randint(1, 9)) + "".join(
        random.choice(string.digits) for _ in range(length - 1)
    )


def random_id(length: int = 22) -> str:
    # Service deployment / revision ids are opaque alphanumeric strings.
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(length))


def tag_value(tags: list[dict[str, str]] | None, key: str) -> str | None:
    for tag in tags or []:
        if tag.get("key") == key or tag.get("Key") == key:
            return tag.get("value", tag.get("Value"))
    return None
