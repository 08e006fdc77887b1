"""Keeping personal data only as long as the admin chose, and erasing one person's on request.

Both replace values of final, chained records by markers (`meetings.audit.chain.redact`): each field's
digest stays, so `manage.py verify_audit` still passes and still proves what the rest says.
What stays of a record is who sent it (the rep's account), when, to which portal, how it ended,
HubSpot's ids, HTTP status, attempts and durations. See docs/audit.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from hubspot_login.models import HubSpotConnection
from hubspot_login.services import hubspot_connection_disconnect
from meetings.audit import chain as audit
from meetings.audit.models import AuditErasure, AuditRetention
from meetings.core.models import MeetingRecord

logger = logging.getLogger("meetings.audit.chain")

# What a meeting says about the people in it: its title and associations name contacts and companies,
# the bodies carry those plus the description and internal notes, and HubSpot's error messages may
# quote any of it. Retention and a contact's erasure take these.
CONTENT_FIELDS = ("title", "associations", "request_payload", "response_body", "error_message")
# What a record says about its rep beyond the account (which is anonymised): their HubSpot ids,
# which the bodies carry too.
REP_FIELDS = ("hubspot_user_id", "owner_id", "request_payload", "response_body")
BATCH = 500


def audit_retention_days() -> int:
    return AuditRetention.objects.get_or_create(pk=1)[0].body_days


def audit_retention_apply(*, now=None) -> int:
    """Redact the content of final records older than the admin's retention; returns how many records."""
    cutoff = (now or timezone.now()) - timedelta(days=audit_retention_days())
    expired = (MeetingRecord.objects.filter(created_at__lt=cutoff, status__in=MeetingRecord.FINAL_STATUSES,
                                            audit_seq__isnull=False)
               .exclude(audit_redactions__has_key="request_payload").order_by("pk").values_list("pk", flat=True))
    total = 0
    while batch := list(expired[:BATCH]):
        with transaction.atomic():
            total += audit.redact(batch, CONTENT_FIELDS, audit.RETENTION)
            _forget_search_text(batch)
    if total:
        logger.info("retention: content of %s records older than %s redacted", total, cutoff.date())
    return total


def _forget_search_text(record_ids: list[int]) -> None:
    # The list's text search holds the title and association labels in lower case: not audited, so blanked.
    MeetingRecord.objects.filter(pk__in=record_ids).update(search_text="")


@dataclass(frozen=True)
class Erasure:
    log: AuditErasure
    open_records: int  # not final yet: redact them once reconciliation has settled them (run again)


def person_erase_rep(*, email: str, requested_by: str) -> Erasure:
    """A rep who left: their account anonymised, HubSpot tokens revoked and deleted, ids redacted."""
    user = get_user_model().objects.get(email__iexact=email.strip())
    hubspot_connection_disconnect(user=user)  # HTTP to HubSpot: before, not inside, the transaction
    records = MeetingRecord.objects.filter(user=user)
    with transaction.atomic():
        erasure = _erase(records, AuditErasure.Subject.REP, email, REP_FIELDS, requested_by)
        _anonymise(user)
    return Erasure(erasure, records.exclude(status__in=MeetingRecord.FINAL_STATUSES).count())


def person_erase_contact(*, contact_id: str, requested_by: str) -> Erasure:
    """A contact's data-protection request: every record associated with them loses its content."""
    contact_id = contact_id.strip()
    # A cheap text filter in the database (JSON containment is not portable to SQLite), then the exact test.
    candidates = (MeetingRecord.objects.annotate(associations_text=Cast("associations", TextField()))
                  .filter(associations_text__contains=f'"{contact_id}"').only("pk", "associations", "status"))
    ids = [r.pk for r in candidates.iterator(chunk_size=audit.CHUNK) if _names_contact(r.associations, contact_id)]
    records = MeetingRecord.objects.filter(pk__in=ids)
    with transaction.atomic():
        erasure = _erase(records, AuditErasure.Subject.CONTACT, contact_id, CONTENT_FIELDS, requested_by)
        _forget_search_text(erasure.record_ids)
    return Erasure(erasure, records.exclude(status__in=MeetingRecord.FINAL_STATUSES).count())


def _names_contact(associations, contact_id: str) -> bool:
    return any(a.get("type") == "contacts" and str(a.get("id")) == contact_id for a in associations or ())


def _erase(records, kind: str, identifier: str, fields: tuple[str, ...], requested_by: str) -> AuditErasure:
    """Log the erasure, redact the records' fields citing it, and chain the log entry: one transaction."""
    final_ids = list(records.filter(status__in=MeetingRecord.FINAL_STATUSES, audit_seq__isnull=False)
                     .order_by("pk").values_list("pk", flat=True))
    erasure = AuditErasure.objects.create(
        subject_kind=kind, subject_digest=audit.subject_digest(kind, identifier), requested_by=requested_by,
        record_ids=final_ids, redacted_fields=list(fields),
    )
    for start in range(0, len(final_ids), BATCH):
        audit.redact(final_ids[start:start + BATCH], fields, f"{audit.ERASURE_PREFIX}{erasure.pk}")
    audit.chain_append(erasure)
    logger.info("erasure %s: %s records of a %s redacted", erasure.pk, len(final_ids), kind)
    return erasure


def _anonymise(user) -> None:
    """The account stays (records point to it) but says nothing about the person, and cannot sign in."""
    HubSpotConnection.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    user.username = f"erased-{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
