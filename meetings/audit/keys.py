"""The audit trail's keys and canonical form: shared by the chain (`chain`) and the seals (`seal`).

The key comes from `AUDIT_CHAIN_KEYS` (env `AUDIT_CHAIN_KEY`, `new,old`): the first signs, all verify.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime

from django.conf import settings


def key_id(key: str) -> str:
    """A short, public name for a key: which key signed an entry, without revealing it."""
    return hashlib.sha256(b"meeting-booker audit key id\0" + key.encode()).hexdigest()[:12]


def signing_key() -> tuple[str, bytes]:
    key = settings.AUDIT_CHAIN_KEYS[0]
    return key_id(key), key.encode()


def verifying_keys() -> dict[str, bytes]:
    return {key_id(key): key.encode() for key in settings.AUDIT_CHAIN_KEYS}


# One encoder for every value: json.dumps with options builds a new one per call, a third of the walk's time.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(value) -> bytes:
    """Sorted-key JSON without spaces: one byte string per value, whatever the database returned."""
    return _ENCODER.encode(value).encode()


def typed(value) -> list:
    """The value with its type spelled out, so "5", 5 and "2031-01-01" vs a datetime never collide."""
    if value is None:
        return ["null", None]
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int", str(value)]
    if isinstance(value, datetime):
        return ["datetime", value.astimezone(UTC).isoformat(timespec="microseconds")]
    if isinstance(value, uuid.UUID):
        return ["uuid", str(value)]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, dict | list | float):
        return ["json", value]
    raise TypeError(f"no canonical form for {type(value).__name__}")
