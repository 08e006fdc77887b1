"""Seals on what the app writes, for the time before the chain vouches for it (docs/audit.md, "Open records").

A record is committed PENDING and joins the chain only when it becomes final. In between — and again for
"Create it now" on a record that was not made — the worker and the services act on what the row says: they
send it to HubSpot as its rep, search for it, settle it and chain it. A row written into the database by
someone else would be acted on as if the rep had submitted it, and chained as genuine. So every record is
sealed when the app writes it:

    seal = key id ":" HMAC-SHA256(key, canonical(["record seal", [[field, typed value], …]]))

over who (the rep, their HubSpot user and owner), the portal and the request as sent (title, times, zone,
associations, the body, and its idempotency key). Whatever acts on a record first asks
`require_seal`; a record whose seal does not fit is refused, logged, and reported by `verify_audit`.
A stored verification is sealed the same way (`verification_seal`), so its numbers cannot be set back.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping

from meetings.audit.keys import canonical, signing_key, typed, verifying_keys

logger = logging.getLogger("meetings.audit.chain")

# What a record says about who asked for what, fixed when it is written. Not the outcome (status, HubSpot's
# answer, the checks) nor the bookkeeping (when, queued, next check): those change until the record is final,
# and the chain covers them from then on.
SEALED_FIELDS = (
    "idempotency_key", "user_id", "hubspot_user_id", "owner_id", "hub_id", "hub_domain", "title", "start_at",
    "end_at", "time_zone", "associations", "request_payload",
)
VERIFICATION_FIELDS = ("started_at", "holds", "checked", "head_seq", "head_link", "break_seq", "break_entry",
                       "reason")


class RecordNotSealed(Exception):
    """A record whose seal does not fit: not written by this app (or changed since). Nothing acts on it."""

    def __init__(self, record_id) -> None:
        super().__init__(f"meeting record {record_id}: its seal does not fit (written outside the app?)")
        self.record_id = record_id


def _mac(key: bytes, purpose: str, values: Mapping, fields: tuple[str, ...]) -> str:
    document = [purpose, [[name, typed(values[name])] for name in fields]]
    return hmac.digest(key, canonical(document), "sha256").hex()


def _seal(purpose: str, values: Mapping, fields: tuple[str, ...]) -> str:
    kid, key = signing_key()
    return f"{kid}:{_mac(key, purpose, values, fields)}"


def _fits(purpose: str, values: Mapping, fields: tuple[str, ...], seal: str) -> bool:
    kid, _sep, mac = (seal or "").partition(":")
    key = verifying_keys().get(kid)
    return key is not None and hmac.compare_digest(_mac(key, purpose, values, fields), mac)


def sealed_values(record) -> dict:
    return {name: getattr(record, name) for name in SEALED_FIELDS}


def record_seal(values: Mapping) -> str:
    """The seal of a record about to be written with these values (`SEALED_FIELDS`, `user_id` for the rep)."""
    return _seal("record seal", values, SEALED_FIELDS)


def seal_fits(record) -> bool:
    return _fits("record seal", sealed_values(record), SEALED_FIELDS, record.audit_seal)


def require_seal(record) -> None:
    """Raise `RecordNotSealed` (and say so in the log) unless the app wrote this record as it reads now."""
    if not seal_fits(record):
        logger.error("meeting record %s refused: its seal does not fit (written outside the app?)", record.pk)
        raise RecordNotSealed(record.pk)


def reseal(record, **changes) -> str:
    """The seal for a sealed record whose request the app changes (a create's attachments, uploaded first)."""
    require_seal(record)
    return record_seal({**sealed_values(record), **changes})


def verification_seal(values: Mapping) -> str:
    return _seal("verification seal", values, VERIFICATION_FIELDS)


def verification_fits(verification) -> bool:
    values = {name: getattr(verification, name) for name in VERIFICATION_FIELDS}
    return _fits("verification seal", values, VERIFICATION_FIELDS, verification.seal)
