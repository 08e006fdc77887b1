"""Permission checks for what a page *shows* — a link, a control — remembered per session in the process.

Django's permission check costs two queries on every request (the user's own permissions and their
groups'). What a page merely offers may lag a change of rights by a few minutes; what a request may
*do* may not, so views and services decide with the real check, never with this. Kept in the process,
not the session: a session written back from a page render could overwrite what another tab wrote
meanwhile (a sign-in's state, a parked form).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest

REMEMBER_SECONDS = 300
MEMO_LIMIT = 10_000
MEMO: dict[tuple[str, int, str], tuple[float, bool]] = {}


def shown_to(request: HttpRequest, name: str, check: Callable[[object], bool]) -> bool:
    """`check(request.user)`, asked once per session, process and five minutes under `name`."""
    session_key = request.session.session_key
    key = (session_key or "", request.user.pk, name)
    checked_until, allowed = MEMO.get(key, (0.0, False))
    if session_key and time.monotonic() < checked_until:
        return allowed
    allowed = check(request.user)
    if len(MEMO) >= MEMO_LIMIT:
        MEMO.clear()  # sessions that ended are never asked again: forget them all at once
    if session_key:
        MEMO[key] = (time.monotonic() + REMEMBER_SECONDS, allowed)
    return allowed

