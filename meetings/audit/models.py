"""The audit chain's own rows: its head, erasures (entries of the chain), verifications and the retention."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from meetings.core.models import ChainedEntry


class AuditChainHead(models.Model):
    """The one row every append locks: the chain's length and last link. Appends queue on it."""

    length = models.PositiveBigIntegerField(_("entries"), default=0)
    last_link = models.CharField(_("last link"), max_length=64, blank=True)
    last_key_id = models.CharField(_("last key id"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"audit chain head at {self.length}"


class AuditErasure(ChainedEntry):
    """One erasure of a person's data (a rep who left, a contact's request): itself an entry of the chain.

    The person is named only by a keyed digest of their identifier, so the log proves the erasure
    was done for them without keeping what was erased.
    """

    class Subject(models.TextChoices):
        REP = "rep", _("Rep")
        CONTACT = "contact", _("Contact")

    subject_kind = models.CharField(_("whose data"), max_length=16, choices=Subject.choices)
    subject_digest = models.CharField(_("person (keyed digest)"), max_length=64)
    requested_by = models.CharField(_("requested by"), max_length=255)
    record_ids = models.JSONField(_("records redacted"), default=list)
    redacted_fields = models.JSONField(_("fields redacted"), default=list)
    created_at = models.DateTimeField(_("erased at"), default=timezone.now)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()} {self.subject_digest[:12]} ({len(self.record_ids)})"


class AuditVerification(models.Model):
    """The outcome of one walk along the chain (`manage.py verify_audit` or the worker's daily run)."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    holds = models.BooleanField(_("chain holds"))
    checked = models.PositiveBigIntegerField(_("entries checked"))
    head_seq = models.PositiveBigIntegerField(_("last sequence number"), null=True, blank=True)
    head_link = models.CharField(_("last link"), max_length=64, blank=True)
    break_seq = models.PositiveBigIntegerField(_("first break at sequence"), null=True, blank=True)
    break_entry = models.CharField(_("entry that does not fit"), max_length=64, blank=True)
    reason = models.TextField(_("why"), blank=True)
    # Keyed over all of the above (meetings.audit.seal): a verification whose numbers were set back is not believed.
    seal = models.CharField(_("seal"), max_length=96, blank=True, db_default="")

    class Meta:
        verbose_name = _("audit chain verification")
        verbose_name_plural = _("audit chain verifications")
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        when = formats.date_format(timezone.localtime(self.started_at), "DATETIME_FORMAT")
        if self.holds:
            return gettext("Verified %(when)s: the chain holds") % {"when": when}
        return gettext("Verified %(when)s: the chain is broken") % {"when": when}


class AuditRetention(models.Model):
    """The admin's choice: how long full request and response bodies and personal data are kept (one row)."""

    DEFAULT_DAYS = 365

    body_days = models.PositiveIntegerField(
        _("keep bodies and personal data for (days)"), default=DEFAULT_DAYS, validators=[MinValueValidator(1)],
        help_text=_("Older final records keep who, when, status and HubSpot's ids; their bodies, titles, "
                    "associations and error messages are replaced by their digests."),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("audit retention")
        verbose_name_plural = _("audit retention")

    def __str__(self) -> str:
        return ngettext("%(days)d day", "%(days)d days", self.body_days) % {"days": self.body_days}
