"""The audit record of every meeting submission: the one model every feature reads."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FinalRecordError(Exception):
    """An audit record that is created, failed or not created never changes again."""


def week_of(moment) -> date:
    """The Monday of the moment's week, in UTC."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


class ChainedEntry(models.Model):
    """An entry of the audit trail's keyed hash chain (`meetings.audit.chain`, docs/audit.md).

    Written once, by `meetings.audit.chain.chain_append`, in the transaction that makes the entry final.
    `audit_digests` holds a keyed digest per audited field, so a field can be redacted later
    (`audit_redactions` says which and why) while the chain still verifies.
    """

    audit_seq = models.PositiveBigIntegerField(_("chain sequence"), null=True, blank=True, unique=True,
                                               editable=False)
    audit_key_id = models.CharField(_("chain key id"), max_length=16, blank=True, editable=False)
    audit_link = models.CharField(_("chain link"), max_length=64, blank=True, editable=False)
    # Only on the first entry under a new key: the same link computed with the previous key.
    audit_bridge = models.CharField(_("link under the previous key"), max_length=64, blank=True, editable=False)
    audit_digests = models.JSONField(_("field digests"), default=dict, blank=True, editable=False)
    # The entry's digest, which its link signs: derived from the field digests, stored so that an export
    # does not derive it again for every row (verify_audit checks that it still fits them).
    audit_entry_digest = models.CharField(_("entry digest"), max_length=64, blank=True, editable=False,
                                          db_default="")
    audit_redactions = models.JSONField(_("redacted fields"), default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_chained(self) -> bool:
        return self.audit_seq is not None


# Sent after an update, bulk create or delete of meeting records made on a queryset, which Django's
# post_save and post_delete do not announce: what is drawn from the records (the history's pages,
# `meetings.signals`) follows every write either way.
records_written = Signal()


class MeetingRecordQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:  # bulk_update() goes through here too
        rows = super().update(**kwargs)
        if rows:
            records_written.send(sender=self.model)
        return rows

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        records_written.send(sender=self.model)
        return created

    def delete(self):
        deleted = super().delete()
        records_written.send(sender=self.model)
        return deleted


class MeetingRecord(ChainedEntry):
    """One attempt to create a meeting in HubSpot: like admin.LogEntry, with a status.

    Written only through `meetings.booking.services` and `meetings.booking.reconciliation`: committed as
    PENDING before HubSpot is called; then CREATED or FAILED when HubSpot's answer says so,
    or UNKNOWN when it may have made the meeting without saying so. Reconciliation settles
    an UNKNOWN record as CREATED or NOT_CREATED. Final records never change.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CREATED = "created", _("Created")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Being checked")
        NOT_CREATED = "not_created", _("Not created")

    FINAL_STATUSES = (Status.CREATED, Status.FAILED, Status.NOT_CREATED)

    idempotency_key = models.UUIDField(_("idempotency key"), unique=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_records", verbose_name=_("rep")
    )
    hubspot_user_id = models.BigIntegerField(_("HubSpot user id"))
    owner_id = models.CharField(_("HubSpot owner id"), max_length=32)
    hub_id = models.BigIntegerField(_("portal (hub) id"))
    hub_domain = models.CharField(_("portal domain"), max_length=255, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    hubspot_meeting_id = models.CharField(_("HubSpot meeting id"), max_length=32, blank=True)

    title = models.CharField(_("title"), max_length=255)
    start_at = models.DateTimeField(_("start (UTC)"))
    end_at = models.DateTimeField(_("end (UTC)"))
    time_zone = models.CharField(_("time zone"), max_length=64, help_text=_("IANA name the rep entered the times in"))
    associations = models.JSONField(
        _("associations"), default=list, blank=True, help_text=_("[{type, id, label}] as chosen in the form")
    )
    # Lower-cased title and association names: what the history's text search looks at.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    request_payload = models.JSONField(_("request as sent"), default=dict, blank=True)
    response_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_body = models.JSONField(_("HubSpot's answer"), null=True, blank=True)
    error_category = models.CharField(_("error category"), max_length=64, blank=True)
    error_message = models.TextField(_("error message"), blank=True)
    correlation_id = models.CharField(_("correlation id"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("HTTP attempts"), default=0)
    # Each check of an UNKNOWN record against HubSpot's search: {at, asked, answer | error, outcome}.
    reconciliation = models.JSONField(_("reconciliation steps"), default=list, blank=True)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True, editable=False)
    # A create handed to the worker because every request slot for HubSpot was taken (meetings.core.bulkhead):
    # when it was (last) handed over, and when the worker took it to send — once, in one conditional UPDATE.
    queued_at = models.DateTimeField(_("handed to the worker at"), null=True, blank=True, editable=False)
    taken_at = models.DateTimeField(_("taken by the worker at"), null=True, blank=True, editable=False)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)

    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # The Monday (UTC) of created_at's week, stored so the weekly chart groups by an indexed
    # column instead of truncating every timestamp (SQLite does that in Python, row by row).
    created_week = models.DateField(_("week submitted"), editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Keyed over who, the portal and the request when the app writes the record (meetings.audit.seal): what
    # acts on an open record, or sends a final one again, first checks that the app wrote it.
    audit_seal = models.CharField(_("seal"), max_length=96, blank=True, editable=False, db_default="")

    objects = MeetingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        permissions = [("view_all_meeting_records", _("Can view all meeting records"))]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="record_newest_idx"),
            models.Index(fields=["user", "-created_at"], name="record_user_newest_idx"),
            models.Index(fields=["status", "-created_at"], name="record_status_newest_idx"),
            models.Index(fields=["hub_id", "-created_at"], name="record_hub_newest_idx"),
            models.Index(fields=["created_week", "status"], name="record_week_status_idx"),
            models.Index(fields=["created_week", "user", "status"], name="record_week_user_idx"),
            models.Index(fields=["user", "created_week", "status"], name="record_user_week_idx"),
            # The conflict check's look at what was booked here: a portal's meetings by their start.
            models.Index(fields=["hub_id", "start_at"], name="record_hub_start_idx"),
        ]
        constraints = [
            # A HubSpot meeting is the outcome of one attempt only: reconciliation must never
            # claim a meeting another record already holds.
            models.UniqueConstraint(
                fields=["hubspot_meeting_id"], condition=~models.Q(hubspot_meeting_id=""),
                name="record_one_per_hubspot_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        if self.created_week is None:
            self.created_week = week_of(self.created_at)
        if not self._state.adding and MeetingRecord.objects.filter(
            pk=self.pk, status__in=self.FINAL_STATUSES
        ).exists():
            raise FinalRecordError(f"meeting record {self.pk} is final and cannot change")
        super().save(*args, **kwargs)

    # What templates and views ask of a record, instead of comparing status strings.
    @property
    def is_created(self) -> bool:
        return self.status == self.Status.CREATED

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def is_unknown(self) -> bool:
        return self.status == self.Status.UNKNOWN

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_not_created(self) -> bool:
        return self.status == self.Status.NOT_CREATED

    @property
    def is_queued(self) -> bool:
        """Waiting for the worker to send it: nothing has gone to HubSpot yet."""
        return self.is_pending and self.queued_at is not None and self.taken_at is None

    @property
    def is_open(self) -> bool:
        """Not settled yet: HubSpot is being asked, or checked afterwards, whether the meeting exists."""
        return self.status in (self.Status.PENDING, self.Status.UNKNOWN)

    @property
    def may_try_again(self) -> bool:
        """Certainly not made: the rep may open the form again with these values (unless retention removed them)."""
        return self.status in (self.Status.FAILED, self.Status.NOT_CREATED) and not self.audit_redactions

    @property
    def may_create_now(self) -> bool:
        """Not made, and what was sent is still kept: "Create it now" can send it again."""
        return self.is_not_created and self.is_chained and not self.audit_redactions

    @property
    def owners_held(self) -> set[str]:
        """The HubSpot owners whose time this meeting takes: its organiser and the attendees it was sent with."""
        properties = (self.request_payload or {}).get("properties") or {}
        return {self.owner_id, *(str(owner) for owner in properties.get("hs_attendee_owner_ids") or [])}

    @property
    def last_check(self) -> dict | None:
        return self.reconciliation[-1] if self.reconciliation else None

    @property
    def found_after_seconds(self) -> int | None:
        """For a meeting found by reconciliation: how long after the submission HubSpot's search showed it."""
        matched = next((step for step in self.reconciliation if step.get("matched")), None)
        if matched is None:
            return None
        return int((datetime.fromisoformat(matched["at"]) - self.created_at).total_seconds())


class OutcomeNotice(models.Model):
    """A record that ended NOT_CREATED or FAILED on the worker: the rep has to act, and may not be looking.

    Counted in the rep's navigation until they open the record (`seen_at`); emailed once if still unseen a
    moment later (`emailed_at`), so a rep who watched the outcome arrive on the page gets no email.
    Not part of the audit chain: the record says what happened, this only whether the rep has seen it.
    """

    record = models.OneToOneField(MeetingRecord, on_delete=models.CASCADE, related_name="notice",
                                  verbose_name=_("meeting record"))
    # The record's rep, kept here too: every page counts a rep's unseen notices without reading the records.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("user"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outcome notice")
        verbose_name_plural = _("outcome notices")
        indexes = [models.Index(fields=["user"], name="notice_unseen_idx", condition=models.Q(seen_at=None))]

    def __str__(self) -> str:
        return f"{self.record} ({'seen' if self.seen_at else 'unseen'})"
