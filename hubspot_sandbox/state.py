"""Everything the sandbox remembers, behind one lock. Reset puts the demo portals back."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

from hubspot_sandbox import data

# HubSpot's search finds new records only after "a few moments" (search doc, API notes §5).
DEFAULT_SEARCH_LAG = 3.0


@dataclass
class Config:
    token_ttl: int = 1800
    code_ttl: int = 60
    rate_max: int = 110
    rate_interval_ms: int = 10_000
    search_per_second: int = 5
    latency_ms: int = 0
    search_lag: float = DEFAULT_SEARCH_LAG  # seconds from a meeting's creation until search finds it
    demo_meetings: bool = False  # a reset puts a few meetings in the demo portal's calendars (make run)


@dataclass
class Grant:
    """What one consent produced: who, in which portal, with which scopes."""

    user_id: int
    hub_id: int
    scopes: tuple[str, ...]
    client_id: str = data.DEMO_CLIENT_ID


@dataclass
class AuthCode:
    grant: Grant
    redirect_uri: str
    expires_at: float
    challenge: str | None = None
    challenge_method: str = "plain"
    used: bool = False


@dataclass
class AccessToken:
    grant: Grant
    expires_at: float
    refresh_token: str


@dataclass
class RefreshToken:
    grant: Grant
    revoked: bool = False


@dataclass
class Fault:
    method: str
    path: str
    count: int
    mode: str  # status | timeout | drop | process_then_status | process_then_drop
    status: int = 503
    seconds: float = 30.0
    retry_after: int | None = None
    prefix: bool = False
    html: bool = False  # answer with a proxy's HTML error page instead of HubSpot's JSON

    def matches(self, method: str, path: str) -> bool:
        if self.method not in ("*", method):
            return False
        return path.startswith(self.path) if self.prefix else path == self.path


@dataclass
class State:
    defaults: Config
    redirect_uris: set[str]
    config: Config = field(default_factory=Config)
    portals: dict[int, data.Portal] = field(default_factory=dict)
    users: dict[int, data.User] = field(default_factory=dict)
    codes: dict[str, AuthCode] = field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    meetings: dict[int, dict[str, dict]] = field(default_factory=dict)  # hub → id → stored meeting
    indexed_at: dict[int, dict[str, float]] = field(default_factory=dict)  # hub → meeting id → monotonic time
    files: dict[int, dict[str, dict]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    # What the portals' admins configured for meeting properties (required, conditionally required), which
    # HubSpot enforces on API writes from 2026-09 on: [{"property", "message", "error", "when": {name: value}}].
    property_rules: list[dict] = field(default_factory=list)
    calls: dict[int, deque] = field(default_factory=dict)  # hub → timestamps (ten-secondly budget)
    searches: dict[int, deque] = field(default_factory=dict)
    log: list[dict] = field(default_factory=list)
    next_id: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    def reset(self) -> None:
        with self.lock:
            self.config = Config(**vars(self.defaults))
            self.portals = {p.hub_id: p for p in data.demo_portals()}
            self.users = {u.user_id: data.User(**vars(u)) for u in data.USERS}
            self.codes.clear()
            self.access_tokens.clear()
            self.refresh_tokens.clear()
            self.meetings = {hub: {} for hub in self.portals}
            self.indexed_at = {hub: {} for hub in self.portals}
            self.files = {hub: {} for hub in self.portals}
            self.faults.clear()
            self.property_rules.clear()
            self.calls.clear()
            self.searches.clear()
            self.log.clear()
            self.next_id = 0
            if self.config.demo_meetings:
                self._add_demo_meetings()

    def _add_demo_meetings(self) -> None:
        """Meetings HubSpot already holds (search finds them at once: they were indexed long ago)."""
        hub_id = data.demo_portals()[0].hub_id
        for meeting in data.demo_meetings(datetime.now(UTC)):
            meeting_id = self.new_id(50_500_000_000)
            meeting["properties"]["hs_object_id"] = meeting_id
            self.meetings[hub_id][meeting_id] = meeting

    def new_id(self, base: int) -> str:
        with self.lock:
            self.next_id += 1
            return str(base + self.next_id)

    def issue_tokens(self, grant: Grant, ttl: int | None = None) -> tuple[str, str, int]:
        ttl = self.config.token_ttl if ttl is None else ttl
        access, refresh = "sbx-at-" + secrets.token_urlsafe(32), "sbx-rt-" + secrets.token_urlsafe(32)
        with self.lock:
            self.refresh_tokens[refresh] = RefreshToken(grant)
            self.access_tokens[access] = AccessToken(grant, time.time() + ttl, refresh)
        return access, refresh, ttl

    def refresh(self, refresh_token: str) -> tuple[str, int] | None:
        with self.lock:
            stored = self.refresh_tokens.get(refresh_token)
            if stored is None or stored.revoked or not self.users[stored.grant.user_id].active:
                return None
            access = "sbx-at-" + secrets.token_urlsafe(32)
            self.access_tokens[access] = AccessToken(stored.grant, time.time() + self.config.token_ttl, refresh_token)
            return access, self.config.token_ttl

    def index_later(self, hub_id: int, meeting_id: str) -> None:
        """Make a new meeting searchable once the lag set at its creation has passed.

        Fixed at write time, as HubSpot's indexing is: raising the lag later never hides a meeting search has found.
        Monotonic time, so faketime shifts it together with everything else in the process.
        """
        with self.lock:
            self.indexed_at[hub_id][meeting_id] = time.monotonic() + self.config.search_lag

    def is_indexed(self, hub_id: int, meeting_id: str) -> bool:
        with self.lock:
            return self.indexed_at[hub_id].get(meeting_id, 0.0) <= time.monotonic()

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.count > 0 and fault.matches(method, path):
                    fault.count -= 1
                    return fault
        return None

    def spend(self, budget: dict[int, deque], hub_id: int, limit: int, window: float) -> tuple[bool, int]:
        """Count one call against a rolling window; (allowed, remaining)."""
        now = time.monotonic()
        with self.lock:
            calls = budget.setdefault(hub_id, deque())
            while calls and calls[0] <= now - window:
                calls.popleft()
            if len(calls) >= limit:
                return False, 0
            calls.append(now)
            return True, limit - len(calls)
