"""What callers of the HubSpot client catch, parsed once from HubSpot's error bodies.

"HubSpot refused this" (an answered 4xx: fix the input) and "HubSpot is unavailable"
(nothing usable came back: try later) are different types with different messages
for the rep. `HubSpotOutcomeUnknown` is the third case a create can end in: the
request may have been processed, so it must not be resent blindly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One entry of HubSpot's `errors[]`: where (`in`, property names) and what."""

    message: str
    code: str = ""
    location: str = ""
    property_names: tuple[str, ...] = ()


@dataclass
class HubSpotError(Exception):
    message: str
    status: int | None = None
    category: str = ""
    correlation_id: str = ""
    errors: tuple[FieldError, ...] = ()
    body: dict | None = None
    attempts: int = 1
    duration_ms: int = 0

    def __str__(self) -> str:
        parts = [self.message]
        if self.status:
            parts.append(f"status={self.status}")
        if self.category:
            parts.append(f"category={self.category}")
        if self.correlation_id:
            parts.append(f"correlationId={self.correlation_id}")
        return " ".join(parts)


class HubSpotRefused(HubSpotError):
    """HubSpot answered and said no (400, 403, 404, 409, …): the request must change."""


class HubSpotUnavailable(HubSpotError):
    """No usable answer after the retry budget: timeouts before sending, 5xx, 429 that did not clear."""


class HubSpotRateBudgetSpent(HubSpotUnavailable):
    """The portal's rate window is full: the app did not send, rather than cause HubSpot's 429."""


class HubSpotOutcomeUnknown(HubSpotError):
    """The request was sent but no answer came back (read timeout, dropped connection)."""


class HubSpotAuthRequired(HubSpotError):
    """The rep's HubSpot authorisation is gone (refresh refused, app revoked): sign in again."""


# What views catch around any HubSpot call to show a friendly message instead of a 500.
HUBSPOT_ERRORS = (HubSpotRefused, HubSpotUnavailable, HubSpotOutcomeUnknown, HubSpotAuthRequired)


def is_unavailable_status(status: int | None) -> bool:
    """429 and 5xx say HubSpot could not serve the request now, not that the request was wrong."""
    return status is not None and (status == 429 or status >= 500)


# HubSpot's answer to property values a portal admin's rule refuses (enforced on API writes from 2026-09): the
# broken rules as JSON inside `message`, `[{"isValid": false, "message", "error", "name"}]`, with no `errors[]`
# (changelog "Property Validations Rules will be enforced for APIs and Integrations").
PROPERTY_VALUES_NOT_VALID = "Property values were not valid: "


def _property_value_errors(message: Any) -> tuple[FieldError, ...]:
    if not isinstance(message, str) or not message.startswith(PROPERTY_VALUES_NOT_VALID):
        return ()
    try:
        items = json.loads(message[len(PROPERTY_VALUES_NOT_VALID):])
    except ValueError:
        return ()
    return tuple(
        FieldError(message=str(item.get("message") or ""), code=str(item.get("error") or ""),
                   location=f"properties.{item['name']}", property_names=(str(item["name"]),))
        for item in (items if isinstance(items, list) else ())
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item.get("isValid") is not True
    )


def field_errors(body: Any) -> tuple[FieldError, ...]:
    """HubSpot's `errors[]` (every field of it may be missing) as FieldErrors; without it, the properties
    its message names as not valid."""
    items = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(items, list) and isinstance(body, dict):
        return _property_value_errors(body.get("message"))
    parsed = []
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict):
            continue
        context = item.get("context")
        names = context.get("propertyName") if isinstance(context, dict) else None
        parsed.append(FieldError(
            message=str(item.get("message", "")),
            code=str(item.get("code") or ""),
            location=str(item.get("in") or ""),
            property_names=tuple(str(n) for n in names) if isinstance(names, list) else (),
        ))
    return tuple(parsed)


def error_from_answer(
    status: int, body: Any, *, reason: str = "", correlation_id: str = "", attempts: int = 1, duration_ms: int = 0
) -> HubSpotError:
    """The right exception for one of HubSpot's error answers: unavailable for 429/5xx, refused otherwise."""
    body = body if isinstance(body, dict) else {}
    kind = HubSpotUnavailable if is_unavailable_status(status) else HubSpotRefused
    return kind(
        message=str(body.get("message") or reason or "HubSpot error"),
        status=status,
        category=str(body.get("category") or body.get("errorType") or ""),
        correlation_id=str(body.get("correlationId") or correlation_id),
        errors=field_errors(body),
        body=body or None,
        attempts=attempts,
        duration_ms=duration_ms,
    )
