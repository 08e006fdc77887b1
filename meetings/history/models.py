"""Exports too large for a request, written by the worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """One CSV export too large for a request, written by the worker (`meetings.history.tasks.export_write`).

    The file lies in `EXPORT_DIR`, which is not served: only `export_views.export_download` hands it out.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs",
                                     verbose_name=_("requested by"))
    query = models.CharField(_("filters"), max_length=1000, blank=True, help_text=_("as a query string"))
    language = models.CharField(_("language"), max_length=16)
    delimiter = models.CharField(_("delimiter"), max_length=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveBigIntegerField(_("rows in all"), null=True, blank=True)
    rows_done = models.PositiveBigIntegerField(_("rows written"), default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # The worker's sign of life while it writes (every batch): a running job without one for a while was left
    # by a worker that died (`exports.export_jobs_fail_abandoned`).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_name = models.CharField(_("file"), max_length=255, blank=True, help_text=_("in EXPORT_DIR"))
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        # Shown by the admin (breadcrumbs, messages): in the viewer's language.
        return gettext("Export %(number)s (%(status)s)") % {"number": self.pk, "status": self.get_status_display()}

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def percent(self) -> int:
        if self.is_done:
            return 100
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0

    @property
    def seconds_left(self) -> int | None:
        """At the pace so far; None until there is a pace to go by."""
        if self.is_finished or not (self.started_at and self.rows_done and self.rows_total):
            return None
        elapsed = (timezone.now() - self.started_at).total_seconds()
        return max(0, round(elapsed / self.rows_done * (self.rows_total - self.rows_done)))
