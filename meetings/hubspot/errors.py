"""What callers of the HubSpot client catch.

"HubSpot refused this" (an answered 4xx: fix the input) and "HubSpot is unavailable"
(nothing usable came back: try later) are different types with different messages
for the rep. `HubSpotOutcomeUnknown` is the third case a create can end in: the
request may have been processed, so it must not be resent blindly.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    context: dict = field(default_factory=dict)

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


class HubSpotOutcomeUnknown(HubSpotError):
    """The request was sent but no answer came back (read timeout, dropped connection)."""


class HubSpotAuthRequired(HubSpotError):
    """The rep's HubSpot authorisation is gone (refresh refused, app revoked): sign in again."""


# What views catch around any HubSpot call to show a friendly message instead of a 500.
HUBSPOT_ERRORS = (HubSpotRefused, HubSpotUnavailable, HubSpotOutcomeUnknown, HubSpotAuthRequired)
