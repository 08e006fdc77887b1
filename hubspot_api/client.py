"""The HubSpot REST client: one send, one reading of the answer, one retry decision.

Retry rules (docs/exactly-once.md):
- not sent (connection refused, DNS, connect timeout) → resend with backoff;
- 429 → resend after `Retry-After` or a slice of the rolling window (never after the daily limit);
- 401 → refresh the token once and resend;
- 5xx, or sent but no usable answer (read timeout, dropped connection, unreadable 2xx) → a read resends;
  a create never does: it may have been made, and HubSpot's search finds a new meeting only seconds
  later, so whether it was is decided afterwards, by reconciliation (`meetings.reconciliation`);
- every other 4xx → refused, never resent.
All waiting fits in one bounded budget per call.
"""

from __future__ import annotations

import enum
import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import requests
from django.conf import settings

from hubspot_api import versions
from hubspot_api.budget import PortalBudget
from hubspot_api.errors import (
    HubSpotAuthRequired,
    HubSpotError,
    HubSpotOutcomeUnknown,
    HubSpotRateBudgetSpent,
    HubSpotRefused,
    HubSpotUnavailable,
    error_from_answer,
    is_unavailable_status,
)
from hubspot_api.http import hubspot_session, timeouts
from hubspot_api.types import OBJECT_KINDS, AssociationLabel, BusyMeeting, Owner, PropertyOption, SearchHit

logger = logging.getLogger("hubspot_api")


class TokenSource(Protocol):
    """Hands out a valid access token for one rep; refreshes when due."""

    def access_token(self) -> str: ...

    def refreshed_after_unauthorized(self, rejected_token: str) -> str:
        """Called once when HubSpot answered 401 to `rejected_token`; returns a fresh one."""
        ...


class StaticToken:
    """A TokenSource for a token that is used as it is (the minutes of sign-in, a benchmark, a test)."""

    def __init__(self, access_token: str) -> None:
        self._token = access_token

    def access_token(self) -> str:
        return self._token

    def refreshed_after_unauthorized(self, rejected_token: str) -> str:
        return self._token


@dataclass(frozen=True)
class Answer:
    """A successful HubSpot answer, with what the audit record needs to know about it."""

    status: int
    body: Any
    attempts: int
    correlation_id: str = ""


@dataclass(frozen=True)
class Reply:
    """What one HTTP exchange gave: HubSpot's answer, or the reason none came."""

    status: int | None = None  # None: no answer
    body: Any = None
    readable: bool = True
    reason: str = ""
    correlation_id: str = ""
    retry_after: float | None = None  # what HubSpot asked us to wait, if it said
    daily_limit: bool = False  # a 429 of the daily policy: it does not clear within a request
    not_sent: bool = False  # no connection was made: nothing can have reached HubSpot


class Verdict(enum.Enum):
    DONE = "done"
    REFRESH = "refresh"  # 401: a fresh token may help, once
    RETRY = "retry"  # nothing was made, or a read: resend if the budget allows
    UNKNOWN = "unknown"  # a create was sent and no answer says what happened: never resend
    FAIL = "fail"  # HubSpot's answer stands


def classify(reply: Reply, *, creates: bool) -> Verdict:
    """The one reading of an exchange, by the rules in the module docstring."""
    status = reply.status
    if status is None:
        if reply.not_sent or not creates:
            return Verdict.RETRY
        return Verdict.UNKNOWN
    if 200 <= status < 300:
        return Verdict.UNKNOWN if creates and not reply.readable else Verdict.DONE
    if status == 401:
        return Verdict.REFRESH
    if status == 429:
        return Verdict.FAIL if reply.daily_limit else Verdict.RETRY
    if status >= 500:
        return Verdict.UNKNOWN if creates else Verdict.RETRY
    return Verdict.FAIL


class RetryBudget:
    """At most `max_attempts` sends and `seconds` of waiting for one logical call."""

    def __init__(self, *, seconds: float, max_attempts: int, sleep: Callable[[float], None]) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + seconds
        self.max_attempts = max_attempts
        self.attempts = 0
        self.sleep = sleep

    def sleep_within(self, seconds: float) -> bool:
        """Sleep if the budget's time allows it (a wait that is no attempt: for a rate-window slot)."""
        if time.monotonic() + seconds > self.deadline:
            return False
        self.sleep(seconds)
        return True

    def wait_for_next(self, asked: float | None) -> bool:
        """Sleep before the next attempt and say True, or say False when the budget would be exceeded."""
        seconds = self._backoff() if asked is None else asked
        if self.attempts >= self.max_attempts or time.monotonic() + seconds > self.deadline:
            return False
        self.sleep(seconds)
        return True

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)

    def _backoff(self) -> float:
        return min(0.2 * 2 ** (self.attempts - 1), 2.0) * (0.5 + random.random() / 2)


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


def send(method: str, base_url: str, path: str, token: str, **request_args) -> Reply:
    """The one place that sends to HubSpot's REST APIs. Never raises: a failure is a Reply too."""
    sent_at = time.monotonic()
    try:
        response = hubspot_session().request(
            method, f"{base_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=timeouts(),
            **request_args,
        )
    except requests.RequestException as exc:
        logger.warning("HubSpot %s %s -> %s after %d ms", method, path, type(exc).__name__,
                       (time.monotonic() - sent_at) * 1000)
        return Reply(reason=type(exc).__name__, not_sent=_was_not_sent(exc))
    reply = _read_answer(response)
    # A call that worked is routine (a picker makes one per keystroke): DEBUG. Any other answer stays at INFO.
    logger.log(logging.DEBUG if 200 <= reply.status < 300 else logging.INFO,
               "HubSpot %s %s -> %s in %d ms correlationId=%s", method, path, reply.status,
               (time.monotonic() - sent_at) * 1000, reply.correlation_id or "-")
    return reply


def _read_answer(response: requests.Response) -> Reply:
    """HubSpot's answer, its body parsed once; Retry-After and the daily policy read only where they can apply."""
    content, status = response.content, response.status_code
    try:
        # As requests reads an application/json answer, without its wrappers.
        body, readable = (json.loads(content.decode("utf-8", errors="replace")) if content else None), True
    except ValueError:
        body, readable = None, False
    correlation_id = response.headers.get("X-HubSpot-Correlation-Id", "")
    if isinstance(body, dict) and not correlation_id:
        correlation_id = str(body.get("correlationId") or "")
    return Reply(
        status=status, body=body, readable=readable, reason=response.reason or "", correlation_id=correlation_id,
        retry_after=_retry_after_seconds(response) if is_unavailable_status(status) else None,
        daily_limit=status == 429 and isinstance(body, dict) and body.get("policyName") == "DAILY",
    )


def _no_answer_error(reply: Reply, verdict: Verdict, budget: RetryBudget) -> HubSpotError:
    if verdict is Verdict.UNKNOWN:
        if reply.status is None:
            message = "HubSpot did not answer after the request was sent."
        elif reply.status >= 500:
            message = f"HubSpot answered {reply.status} after the request was sent; the meeting may exist."
        else:
            message = "HubSpot answered with an unreadable body."
        return HubSpotOutcomeUnknown(message=message, status=reply.status, correlation_id=reply.correlation_id,
                                     body=reply.body if isinstance(reply.body, dict) else None,
                                     attempts=budget.attempts, duration_ms=budget.elapsed_ms())
    message = "HubSpot could not be reached." if reply.not_sent else "HubSpot did not answer in time."
    return HubSpotUnavailable(message=message, attempts=budget.attempts, duration_ms=budget.elapsed_ms())


def error_for(reply: Reply, verdict: Verdict, budget: RetryBudget) -> HubSpotError:
    """The exception a caller sees when an exchange ends the call without success."""
    if reply.status is None or verdict is Verdict.UNKNOWN:
        return _no_answer_error(reply, verdict, budget)
    error = error_from_answer(reply.status, reply.body, reason=reply.reason, correlation_id=reply.correlation_id,
                              attempts=budget.attempts, duration_ms=budget.elapsed_ms())
    return HubSpotAuthRequired(**vars(error)) if reply.status == 401 else error


class HubSpotClient:
    def __init__(
        self,
        *,
        tokens: TokenSource,
        rate_budget: PortalBudget | None = None,
        patient: bool = True,
        base_url: str | None = None,
        api_version: str | None = None,
        retry_budget_seconds: float | None = None,
        max_attempts: int = 4,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.tokens = tokens
        self.rate_budget = rate_budget
        self.patient = patient  # wait for a slot in the rate window; impatient callers (pickers) fail at once
        self.base_url = (base_url or settings.HUBSPOT_API_BASE).rstrip("/")
        # Every path below carries it (hubspot_api/versions.py); only the file upload keeps its own.
        self.version = api_version or versions.current()
        self.retry_budget_seconds = (
            settings.HUBSPOT_RETRY_BUDGET_SECONDS if retry_budget_seconds is None else retry_budget_seconds
        )
        self.max_attempts = max_attempts
        self.sleep = sleep

    def request(self, method: str, path: str, *, creates: bool = False, **request_args) -> Answer:
        """Send one logical call (`params`, `json`, `data`, `files` as for requests), resending by the rules.

        `creates=True` marks a call that must not be resent once it may have been processed.
        """
        budget = RetryBudget(seconds=self.retry_budget_seconds, max_attempts=self.max_attempts, sleep=self.sleep)
        token, refreshed = self.tokens.access_token(), False
        search = method == "POST" and path.endswith("/search")
        while True:
            self._take_slot(budget, search=search)
            reply = send(method, self.base_url, path, token, **request_args)
            budget.attempts += 1
            verdict = classify(reply, creates=creates)
            if verdict is Verdict.DONE:
                return Answer(status=reply.status, body=reply.body, attempts=budget.attempts,
                              correlation_id=reply.correlation_id)
            if verdict is Verdict.REFRESH and not refreshed:
                token, refreshed = self.tokens.refreshed_after_unauthorized(token), True
                continue
            if verdict is Verdict.RETRY and budget.wait_for_next(reply.retry_after):
                continue
            raise error_for(reply, verdict, budget)

    def _take_slot(self, budget: RetryBudget, *, search: bool) -> None:
        """A slot in the portal's rate window before sending, waited for within the budget, or fail unsent."""
        while self.rate_budget is not None and (wait := self.rate_budget.take(search=search)) > 0:
            if not (self.patient and budget.sleep_within(wait)):
                raise HubSpotRateBudgetSpent(
                    message="This portal's HubSpot rate limit is used up for the moment; nothing was sent.",
                    category="APP_RATE_BUDGET", attempts=budget.attempts, duration_ms=budget.elapsed_ms(),
                )

    # --- endpoints ------------------------------------------------------------------------

    # Contract: crm-owners-{version}.json → GET /crm/owners/{version}
    def list_owners(self, *, email: str | None = None) -> list[Owner]:
        """Every active owner of the portal (follows `paging.next.after`)."""
        owners: list[Owner] = []
        params: dict[str, Any] = {"limit": 100}
        if email:
            params["email"] = email
        while True:
            body = self.request("GET", f"/crm/owners/{self.version}", params=params).body or {}
            owners.extend(Owner.from_api(item) for item in body.get("results", []))
            after = ((body.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return owners
            params["after"] = after

    # Contract: crm-owners-{version}.json → GET /crm/owners/{version}/{ownerId}?idProperty=userId
    def owner_for_user(self, user_id: int) -> Owner | None:
        try:
            body = self.request("GET", f"/crm/owners/{self.version}/{user_id}", params={"idProperty": "userId"}).body
        except HubSpotRefused as error:
            if error.status == 404:
                return None
            raise
        return Owner.from_api(body)

    # Contract: crm-{contacts,companies,deals,tickets}-{version}.json → POST …/search
    def search(self, kind: str, query: str, *, limit: int = 10) -> list[SearchHit]:
        body = self.request(
            "POST", f"/crm/objects/{self.version}/{kind}/search",
            json={"query": query, "limit": limit, "properties": list(SEARCH_PROPERTIES[kind])},
        ).body or {}
        return [SearchHit.from_api(kind, item) for item in body.get("results", [])]

    # Contract: crm-{kind}-{version}.json → POST /crm/objects/{version}/{kind}/batch/read
    def read_records(self, kind: str, ids: list[str]) -> list[SearchHit]:
        """The records of `kind` with these ids that exist for this token (ids not found are left out)."""
        body = self.request(
            "POST", f"/crm/objects/{self.version}/{kind}/batch/read",
            json={"inputs": [{"id": i} for i in ids[:100]], "properties": list(SEARCH_PROPERTIES[kind]),
                  "propertiesWithHistory": []},
        ).body or {}
        return [SearchHit.from_api(kind, item) for item in body.get("results", [])]

    # Contract: crm-properties-{version}.json → GET /crm/properties/{version}/meetings/{propertyName}
    def meeting_property_options(self, name: str) -> list[PropertyOption]:
        """Visible options in display order (hidden ones dropped; displayOrder -1 sorts last)."""
        body = self.request("GET", f"/crm/properties/{self.version}/meetings/{name}").body or {}
        options = [o for o in body.get("options", []) if not o.get("hidden")]
        options.sort(key=lambda o: (o.get("displayOrder", 0) < 0, o.get("displayOrder", 0)))
        return [PropertyOption(value=str(o["value"]), label=str(o.get("label") or o["value"])) for o in options]

    # Contract: crm-associations-schema-{version}.json → GET /crm/associations/{version}/{from}/{to}/labels
    def association_labels(self, kind: str) -> list[AssociationLabel]:
        body = self.request("GET", f"/crm/associations/{self.version}/meetings/{kind}/labels").body or {}
        return [
            AssociationLabel(category=item["category"], type_id=int(item["typeId"]), label=item.get("label"))
            for item in body.get("results", [])
        ]

    # Contract: files-2026-03.json → POST /files/2026-03/files (multipart); 2026-09 has no upload (versions.py)
    def upload_file(self, *, name: str, content: bytes, content_type: str) -> str:
        body = self.request(
            "POST", f"/files/{versions.FILES_UPLOAD_VERSION}/files",
            files={"file": (name, content, content_type or "application/octet-stream")},
            data={
                "fileName": name,
                "folderPath": "/meeting-attachments",
                "options": '{"access": "PRIVATE"}',
            },
            creates=True,
        ).body
        return str(body["id"])

    # Contract: scheduler-meetings-{version}.json → POST /scheduler/{version}/meetings/calendar
    def create_meeting(self, *, organizer_user_id: int, payload: dict) -> Answer:
        return self.request(
            "POST", f"/scheduler/{self.version}/meetings/calendar",
            params={"organizerUserId": str(organizer_user_id)}, json=payload, creates=True,
        )

    # Contract: crm-meetings-{version}.json → POST /crm/objects/{version}/meetings/search
    def search_meetings(self, *, owner_id: str, start: str) -> list[dict]:
        """The owner's meetings that start at `start` (ISO), as far as HubSpot's lagging search knows yet.

        Errors propagate: "the search failed" must never be read as "there is no such meeting".
        """
        body = self.request(
            "POST", f"/crm/objects/{self.version}/meetings/search",
            json={
                "filterGroups": [{"filters": [
                    {"propertyName": "hubspot_owner_id", "operator": "EQ", "value": owner_id},
                    # Search compares datetimes as epoch milliseconds.
                    {"propertyName": "hs_timestamp", "operator": "EQ", "value": str(_epoch_ms(start))},
                ]}],
                "properties": list(MEETING_MATCH_PROPERTIES),
                "limit": 100,
            },
        ).body or {}
        return list(body.get("results") or [])

    # Contract: crm-meetings-{version}.json → POST /crm/objects/{version}/meetings/search
    def search_meetings_overlapping(self, *, owner_ids: Sequence[str], start: datetime, end: datetime,
                                    max_pages: int = 5) -> list[BusyMeeting]:
        """The meetings of any of `owner_ids` that begin before `end` and end after `start`, earliest first.

        One search for all the owners (`IN`), each further page of 200 one more against the portal's
        search budget; at most `max_pages` pages are read. Errors propagate: a failed search is no free calendar.
        """
        query = {
            "filterGroups": [{"filters": [
                {"propertyName": "hubspot_owner_id", "operator": "IN", "values": list(owner_ids)},
                # Search compares datetimes as epoch milliseconds.
                {"propertyName": "hs_timestamp", "operator": "LT", "value": str(int(end.timestamp() * 1000))},
                {"propertyName": "hs_meeting_end_time", "operator": "GT", "value": str(int(start.timestamp() * 1000))},
            ]}],
            "properties": list(BUSY_MEETING_PROPERTIES),
            # HubSpot's docs give sorts as objects; the spec's strings carry no direction (API notes §5).
            "sorts": [{"propertyName": "hs_timestamp", "direction": "ASCENDING"}],
            "limit": 200,
        }
        found: list[BusyMeeting] = []
        for _page in range(max_pages):
            body = self.request("POST", f"/crm/objects/{self.version}/meetings/search", json=query).body or {}
            found.extend(m for m in map(BusyMeeting.from_api, body.get("results") or []) if m is not None)
            after = ((body.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                break
            query = {**query, "after": str(after)}
        return found

    # Contract: crm-meetings-{version}.json → GET /crm/objects/{version}/meetings/{meetingId}
    # Contract: crm-{contacts,companies,deals,tickets}-{version}.json → GET /crm/objects/{version}/{kind}/{id}
    def meetings_associated_with(self, kind: str, record_id: str) -> list[str]:
        """The ids of the meetings associated with one record, newest last.

        Read by id, which HubSpot answers from the record itself: a meeting made a moment ago is there,
        where its search finds it only seconds, sometimes minutes, later.
        """
        body = self.request(
            "GET", f"/crm/objects/{self.version}/{'0-3' if kind == 'deals' else kind}/{record_id}",
            params={"associations": "meetings", "properties": "hs_object_id"},
        ).body or {}
        found = ((body.get("associations") or {}).get("meetings") or {}).get("results") or []
        return sorted({str(item["id"]) for item in found if item.get("id")}, key=lambda i: (len(i), i))

    # Contract: crm-meetings-{version}.json → POST /crm/objects/{version}/meetings/batch/read
    def read_meetings(self, ids: Sequence[str]) -> list[dict]:
        """The meetings with these ids (at most 100), as stored now: what reconciliation compares."""
        body = self.request(
            "POST", f"/crm/objects/{self.version}/meetings/batch/read",
            json={"inputs": [{"id": i} for i in list(ids)[:100]], "properties": list(MEETING_MATCH_PROPERTIES),
                  "propertiesWithHistory": []},
        ).body or {}
        return body.get("results", [])

    def meeting_associations(self, meeting_id: str) -> set[tuple[str, str]]:
        """The (kind, record id) pairs a meeting is associated with."""
        body = self.request(
            "GET", f"/crm/objects/{self.version}/meetings/{meeting_id}",
            params={"associations": ",".join(OBJECT_KINDS), "properties": "hs_meeting_title"},
        ).body or {}
        return {
            (kind, str(item.get("id") or item.get("toObjectId")))
            for kind, found in (body.get("associations") or {}).items() if kind in OBJECT_KINDS
            for item in (found or {}).get("results") or []
        }


# What reconciliation compares between a sent request and a meeting HubSpot's search found.
MEETING_MATCH_PROPERTIES = (
    "hs_meeting_title", "hs_meeting_start_time", "hs_meeting_end_time", "hs_timestamp", "hubspot_owner_id",
    "hs_meeting_body", "hs_meeting_location",
)


# What each picker asks HubSpot for: enough to tell records apart.
SEARCH_PROPERTIES = {
    "contacts": ("firstname", "lastname", "email", "company", "hs_timezone"),  # the zone: offered on the form
    "companies": ("name", "domain", "city"),
    "deals": ("dealname", "amount", "deal_currency_code", "dealstage"),
    "tickets": ("subject", "hs_pipeline_stage", "hs_ticket_priority"),
}


# What the conflict check reads of each meeting that holds an owner's time.
BUSY_MEETING_PROPERTIES = (
    "hs_meeting_title", "hs_timestamp", "hs_meeting_start_time", "hs_meeting_end_time", "hubspot_owner_id",
    "hs_meeting_outcome",
)
