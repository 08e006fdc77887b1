"""The HubSpot REST client: one `requests.Session` per thread, timeouts, bounded retries.

Retry rules (docs/architecture.md, "When HubSpot's answer is unclear"):
- not sent (connection refused, DNS, connect timeout) → resend with backoff;
- 429 → resend after `Retry-After` or the rolling window;
- 401 → refresh the token once and resend;
- 5xx → reads resend; a create first looks for the meeting (it may exist) and only then resends;
- sent but no answer (read timeout, dropped connection, unreadable 2xx) → a read resends,
  a create never does: the outcome is unknown;
- every other 4xx → refused, never resent.
All waiting fits in one bounded budget per call.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

from meetings.hubspot.errors import (
    FieldError,
    HubSpotAuthRequired,
    HubSpotError,
    HubSpotOutcomeUnknown,
    HubSpotRefused,
    HubSpotUnavailable,
)
from meetings.hubspot.types import OBJECT_KINDS, AssociationLabel, Owner, PropertyOption, SearchHit

logger = logging.getLogger("meetings.hubspot")

CONNECT_TIMEOUT_SECONDS = 3.05
_local = threading.local()


def hubspot_session() -> requests.Session:
    """This thread's pooled session. urllib3's own retries are off: the rules above decide."""
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=8, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers.update({"Accept": "application/json", "User-Agent": "meeting-booker/1.0"})
        _local.session = session
    return session


def timeouts() -> tuple[float, float]:
    return (CONNECT_TIMEOUT_SECONDS, settings.HUBSPOT_TIMEOUT_SECONDS)


class TokenSource(Protocol):
    """Hands out a valid access token for one rep; refreshes when due."""

    def access_token(self) -> str: ...

    def refreshed_after_unauthorized(self, rejected_token: str) -> str:
        """Called once when HubSpot answered 401 to `rejected_token`; returns a fresh one."""
        ...


@dataclass(frozen=True)
class Answer:
    """A successful HubSpot answer, with what the audit record needs to know about it."""

    status: int
    body: Any
    attempts: int
    duration_ms: int
    correlation_id: str = ""
    reconciled: bool = False  # found by a search after a 5xx, not answered by the create itself


def _was_not_sent(exc: requests.RequestException) -> bool:
    """True when the request cannot have reached HubSpot (no connection was made)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        text = repr(exc)
        return any(
            marker in text
            for marker in ("NewConnectionError", "NameResolutionError", "Connection refused", "Failed to resolve")
        )
    return False


def _epoch_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def error_from_response(response: requests.Response, body: Any, *, attempts: int, duration_ms: int) -> HubSpotError:
    """Build the right exception from one of HubSpot's error bodies (every field may be missing)."""
    body = body if isinstance(body, dict) else {}
    errors = []
    for item in body.get("errors") or []:
        if not isinstance(item, dict):
            continue
        context = item.get("context") or {}
        names = tuple(context.get("propertyName") or ()) if isinstance(context, dict) else ()
        errors.append(
            FieldError(
                message=str(item.get("message", "")),
                code=str(item.get("code") or ""),
                location=str(item.get("in") or ""),
                property_names=names,
            )
        )
    status = response.status_code
    kind = HubSpotUnavailable if status == 429 or status >= 500 else HubSpotRefused
    return kind(
        message=str(body.get("message") or response.reason or "HubSpot error"),
        status=status,
        category=str(body.get("category") or body.get("errorType") or ""),
        correlation_id=str(body.get("correlationId") or response.headers.get("X-HubSpot-Correlation-Id", "")),
        errors=tuple(errors),
        body=body or None,
        attempts=attempts,
        duration_ms=duration_ms,
        context=body.get("context") if isinstance(body.get("context"), dict) else {},
    )


def _retry_after_seconds(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            return None
    interval = response.headers.get("X-HubSpot-RateLimit-Interval-Milliseconds")
    if response.status_code == 429 and interval and interval.isdigit():
        # No Retry-After: wait a slice of the rolling window rather than all of it.
        return min(int(interval) / 1000 / 4, 2.5)
    return None


class HubSpotClient:
    def __init__(
        self,
        *,
        tokens: TokenSource,
        base_url: str | None = None,
        retry_budget_seconds: float | None = None,
        max_attempts: int = 4,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.tokens = tokens
        self.base_url = (base_url or settings.HUBSPOT_API_BASE).rstrip("/")
        self.retry_budget_seconds = (
            settings.HUBSPOT_RETRY_BUDGET_SECONDS if retry_budget_seconds is None else retry_budget_seconds
        )
        self.max_attempts = max_attempts
        self.sleep = sleep

    @classmethod
    def for_user(cls, user) -> HubSpotClient:
        from meetings.hubspot.tokens import ConnectionTokens

        return cls(tokens=ConnectionTokens(user.hubspot))

    # --- the one place that sends -------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: Any = None,
        data: dict | None = None,
        files: dict | None = None,
        creates: bool = False,
        reconcile: Callable[[], Answer | None] | None = None,
    ) -> Answer:
        """Send one logical call, resending by the rules in the module docstring.

        `creates=True` marks a call that must not be resent once it may have been processed.
        `reconcile` (creates only) looks for the created object after a 5xx.
        """
        url = f"{self.base_url}{path}"
        started = time.monotonic()
        deadline = started + self.retry_budget_seconds
        attempts = 0
        refreshed = False
        token = self.tokens.access_token()

        def elapsed_ms() -> int:
            return int((time.monotonic() - started) * 1000)

        def wait_or_give_up(seconds: float) -> bool:
            if attempts >= self.max_attempts or time.monotonic() + seconds > deadline:
                return False
            self.sleep(seconds)
            return True

        def backoff() -> float:
            return min(0.2 * 2 ** (attempts - 1), 2.0) * (0.5 + random.random() / 2)

        while True:
            attempts += 1
            sent_at = time.monotonic()
            try:
                response = hubspot_session().request(
                    method, url, params=params, json=json, data=data, files=files,
                    headers={"Authorization": f"Bearer {token}"}, timeout=timeouts(),
                )
            except requests.RequestException as exc:
                took = int((time.monotonic() - sent_at) * 1000)
                logger.warning("HubSpot %s %s -> %s after %d ms", method, path, type(exc).__name__, took)
                if _was_not_sent(exc):
                    if wait_or_give_up(backoff()):
                        continue
                    raise HubSpotUnavailable(
                        message="HubSpot could not be reached.", attempts=attempts, duration_ms=elapsed_ms()
                    ) from None
                if creates:
                    raise HubSpotOutcomeUnknown(
                        message="HubSpot did not answer after the request was sent.",
                        attempts=attempts, duration_ms=elapsed_ms(),
                    ) from None
                if wait_or_give_up(backoff()):
                    continue
                raise HubSpotUnavailable(
                    message="HubSpot did not answer in time.", attempts=attempts, duration_ms=elapsed_ms()
                ) from None

            correlation_id = response.headers.get("X-HubSpot-Correlation-Id", "")
            try:
                body = response.json() if response.content else None
                readable = True
            except ValueError:
                body, readable = None, False
            if isinstance(body, dict) and not correlation_id:
                correlation_id = str(body.get("correlationId") or "")
            logger.info(
                "HubSpot %s %s -> %s in %d ms correlationId=%s",
                method, path, response.status_code, int((time.monotonic() - sent_at) * 1000), correlation_id or "-",
            )

            if 200 <= response.status_code < 300:
                if creates and not readable:
                    raise HubSpotOutcomeUnknown(
                        message="HubSpot answered with an unreadable body.", status=response.status_code,
                        correlation_id=correlation_id, attempts=attempts, duration_ms=elapsed_ms(),
                    )
                return Answer(
                    status=response.status_code, body=body, attempts=attempts, duration_ms=elapsed_ms(),
                    correlation_id=correlation_id,
                )

            if response.status_code == 401:
                if not refreshed:
                    refreshed = True
                    token = self.tokens.refreshed_after_unauthorized(token)
                    continue
                error = error_from_response(response, body, attempts=attempts, duration_ms=elapsed_ms())
                raise HubSpotAuthRequired(**vars(error))

            if response.status_code == 429:
                policy = body.get("policyName") if isinstance(body, dict) else None
                wait = _retry_after_seconds(response)
                if policy != "DAILY" and wait_or_give_up(backoff() if wait is None else wait):
                    continue
            elif response.status_code >= 500:
                if creates and reconcile is not None:
                    found = reconcile()
                    if found is not None:
                        return Answer(
                            status=found.status, body=found.body, attempts=attempts, duration_ms=elapsed_ms(),
                            correlation_id=correlation_id, reconciled=True,
                        )
                if wait_or_give_up(_retry_after_seconds(response) or backoff()):
                    continue

            raise error_from_response(response, body, attempts=attempts, duration_ms=elapsed_ms())

    # --- endpoints ------------------------------------------------------------------------

    # Contract: crm-owners-2026-03.json → GET /crm/owners/2026-03
    def list_owners(self, *, email: str | None = None) -> list[Owner]:
        """Every active owner of the portal (follows `paging.next.after`)."""
        owners: list[Owner] = []
        params: dict[str, Any] = {"limit": 100}
        if email:
            params["email"] = email
        while True:
            body = self.request("GET", "/crm/owners/2026-03", params=params).body or {}
            owners.extend(Owner.from_api(item) for item in body.get("results", []))
            after = ((body.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return owners
            params["after"] = after

    # Contract: crm-owners-2026-03.json → GET /crm/owners/2026-03/{ownerId}?idProperty=userId
    def owner_for_user(self, user_id: int) -> Owner | None:
        try:
            body = self.request("GET", f"/crm/owners/2026-03/{user_id}", params={"idProperty": "userId"}).body
        except HubSpotRefused as error:
            if error.status == 404:
                return None
            raise
        return Owner.from_api(body)

    # Contract: crm-{contacts,companies,deals,tickets}-2026-03.json → POST …/search
    def search(self, kind: str, query: str, *, limit: int = 10) -> list[SearchHit]:
        body = self.request(
            "POST", f"/crm/objects/2026-03/{kind}/search",
            json={"query": query, "limit": limit, "properties": list(SEARCH_PROPERTIES[kind])},
        ).body or {}
        return [SearchHit.from_api(kind, item) for item in body.get("results", [])]

    # Contract: crm-properties-2026-03.json → GET /crm/properties/2026-03/meetings/{propertyName}
    def meeting_property_options(self, name: str) -> list[PropertyOption]:
        """Visible options in display order (hidden ones dropped; displayOrder -1 sorts last)."""
        body = self.request("GET", f"/crm/properties/2026-03/meetings/{name}").body or {}
        options = [o for o in body.get("options", []) if not o.get("hidden")]
        options.sort(key=lambda o: (o.get("displayOrder", 0) < 0, o.get("displayOrder", 0)))
        return [PropertyOption(value=str(o["value"]), label=str(o.get("label") or o["value"])) for o in options]

    # Contract: crm-associations-schema-2026-03.json → GET /crm/associations/2026-03/{from}/{to}/labels
    def association_labels(self, kind: str) -> list[AssociationLabel]:
        body = self.request("GET", f"/crm/associations/2026-03/meetings/{kind}/labels").body or {}
        return [
            AssociationLabel(category=item["category"], type_id=int(item["typeId"]), label=item.get("label"))
            for item in body.get("results", [])
        ]

    # Contract: files-2026-03.json → POST /files/2026-03/files (multipart)
    def upload_file(self, *, name: str, content: bytes, content_type: str) -> str:
        body = self.request(
            "POST", "/files/2026-03/files",
            files={"file": (name, content, content_type or "application/octet-stream")},
            data={
                "fileName": name,
                "folderPath": "/meeting-attachments",
                "options": '{"access": "PRIVATE"}',
            },
            creates=True,
        ).body
        return str(body["id"])

    # Contract: scheduler-meetings-2026-03.json → POST /scheduler/2026-03/meetings/calendar
    def create_meeting(self, *, organizer_user_id: int, payload: dict) -> Answer:
        properties = payload["properties"]

        def find_created() -> Answer | None:
            found = self.find_meeting(
                owner_id=properties["hubspot_owner_id"],
                timestamp=properties["hs_timestamp"],
                title=properties["hs_meeting_title"],
            )
            return None if found is None else Answer(status=200, body=found, attempts=1, duration_ms=0)

        return self.request(
            "POST", "/scheduler/2026-03/meetings/calendar",
            params={"organizerUserId": str(organizer_user_id)}, json=payload,
            creates=True, reconcile=find_created,
        )

    # Contract: crm-meetings-2026-03.json → POST /crm/objects/2026-03/meetings/search
    def find_meeting(self, *, owner_id: str, timestamp: str, title: str) -> dict | None:
        """The meeting a create may have made despite an error answer, if HubSpot can find it yet."""
        try:
            body = self.request(
                "POST", "/crm/objects/2026-03/meetings/search",
                json={
                    "filterGroups": [{"filters": [
                        {"propertyName": "hubspot_owner_id", "operator": "EQ", "value": owner_id},
                        # Search compares datetimes as epoch milliseconds.
                        {"propertyName": "hs_timestamp", "operator": "EQ", "value": str(_epoch_ms(timestamp))},
                    ]}],
                    "properties": ["hs_meeting_title", "hs_timestamp", "hubspot_owner_id"],
                    "limit": 20,
                },
            ).body or {}
        except HubSpotError:
            return None
        for item in body.get("results", []):
            if (item.get("properties") or {}).get("hs_meeting_title") == title:
                return item
        return None

    # Contract: crm-meetings-2026-03.json → GET /crm/objects/2026-03/meetings/{meetingId}
    def get_meeting(self, meeting_id: str, *, properties: list[str] | None = None) -> dict:
        params = {"associations": ",".join(OBJECT_KINDS)}
        if properties:
            params["properties"] = ",".join(properties)
        return self.request("GET", f"/crm/objects/2026-03/meetings/{meeting_id}", params=params).body


# What each picker asks HubSpot for: enough to tell records apart.
SEARCH_PROPERTIES = {
    "contacts": ("firstname", "lastname", "email"),
    "companies": ("name", "domain"),
    "deals": ("dealname", "amount"),
    "tickets": ("subject", "hs_pipeline_stage"),
}
