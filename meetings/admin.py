"""The Django admin as the product's: its own name, only the models an admin uses, records in words.

Read-only for the records (the audit trail); templates and exports listed; the chain's verifications and
retention; users and groups. Everything else the installed apps register (allauth's addresses and tokens, the
task queue's results, django-axes' logs, the HubSpot connections) is taken off the site in `keep_only_product_models`:
none of it is something an admin of this product reads or changes there.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meetings.audit.models import AuditRetention, AuditVerification
from meetings.core.models import MeetingRecord
from meetings.history import display
from meetings.history.models import ExportJob
from meetings.presets.models import MeetingTemplate

admin.site.site_header = _("Meeting Booker administration")
admin.site.site_title = _("Meeting Booker administration")
admin.site.index_title = _("Records, templates, exports and the audit trail")


def keep_only_product_models() -> None:
    """Called once every app's admin module has registered (MeetingsConfig.ready, after the admin's autodiscover)."""
    from django.contrib.auth import get_user_model

    kept = {MeetingRecord, MeetingTemplate, ExportJob, AuditVerification, AuditRetention, get_user_model(), Group}
    # django-axes' lockouts stay: README and docs/deploy.md send an admin there to unlock a username early.
    kept |= {model for model in admin.site._registry if model._meta.label == "axes.AccessAttempt"}
    for model in [model for model in admin.site._registry if model not in kept]:
        admin.site.unregister(model)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MeetingRecord)
class MeetingRecordAdmin(ReadOnlyAdmin):
    list_display = ["title", "rep", "status", "submitted", "portal"]
    list_filter = ["status", "hub_id", "created_at"]
    search_fields = ["title", "search_text", "user__email", "user__username", "correlation_id", "hubspot_meeting_id"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    show_full_result_count = False
    # No bulk actions: the only one, delete, asks no record whether it is chained.
    actions = None
    # What happened first, in words; HubSpot's answer and the audit chain's fields folded (<details>).
    fieldsets = [
        (None, {"fields": ["what_happened", "title", "rep", "portal", "status", "meeting_time", "associations_text"]}),
        (_("HubSpot's answer (technical)"), {"classes": ["collapse"], "fields": [
            "response_status", "error_category", "error_message", "correlation_id", "attempts", "duration_ms",
            "hubspot_meeting_id", "hubspot_user_id", "owner_id", "hub_id", "time_zone", "start_at", "end_at",
            "created_at", "finished_at", "idempotency_key", "request_payload", "response_body", "reconciliation"]}),
        (_("Audit chain (technical)"), {"classes": ["collapse"], "fields": [
            "audit_seq", "audit_key_id", "audit_link", "audit_bridge", "audit_entry_digest", "audit_digests",
            "audit_redactions"]}),
    ]
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]

    @admin.display(description=_("What happened"))
    def what_happened(self, record: MeetingRecord) -> str:
        return render_to_string("admin/meetings/what_happened.html", {"record": record})

    @admin.display(description=_("Rep"), ordering="user__email")
    def rep(self, record: MeetingRecord) -> str:
        return record.user.get_full_name() or record.user.email or record.user.get_username()

    @admin.display(description=_("Portal"), ordering="hub_id")
    def portal(self, record: MeetingRecord) -> str:
        return record.hub_domain or str(record.hub_id)

    @admin.display(description=_("Submitted"), ordering="created_at")
    def submitted(self, record: MeetingRecord) -> str:
        return display.viewer_datetime(record.created_at)

    @admin.display(description=_("When"))
    def meeting_time(self, record: MeetingRecord) -> str:
        return f"{display.viewer_datetime(record.start_at)} – {display.viewer_datetime(record.end_at)}"

    @admin.display(description=_("Associations"))
    def associations_text(self, record: MeetingRecord) -> str:
        return ", ".join(str(a.get("label", "")) for a in record.associations) or "—"

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or request.user.has_perm("meetings.view_all_meeting_records") or \
            super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # A record in the audit chain is never deleted — that would break the chain; `manage.py erase_person`
        # redacts a person's data instead. Records outside it (still open) only superusers may delete.
        return request.user.is_superuser and (obj is None or not obj.is_chained)

    def delete_view(self, request, object_id, extra_context=None):
        """A refused delete says why on the record's page, instead of the admin's bare 403."""
        record = self.get_object(request, object_id)
        if record is not None and self.has_view_permission(request, record) \
                and not self.has_delete_permission(request, record):
            if record.is_chained:
                messages.error(request, _("This record is part of the audit trail and cannot be deleted: deleting "
                                          "it would break the chain. To remove a person's data, use "
                                          "“manage.py erase_person”, which redacts it and logs the erasure."))
            else:
                messages.error(request, _("Only a superuser may delete a record that is still open."))
            return redirect("admin:meetings_meetingrecord_change", record.pk)
        return super().delete_view(request, object_id, extra_context)


@admin.register(MeetingTemplate)
class MeetingTemplateAdmin(admin.ModelAdmin):
    """The reps' and teams' saved forms: an admin finds and removes one; the reps change them on their page."""

    list_display = ["name", "owner_name", "hub_id", "updated"]
    list_filter = ["hub_id"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    fields = ["name", "owner", "hub_id", "values", "created_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("owner"), ordering="owner__email")
    def owner_name(self, template: MeetingTemplate) -> str:
        if template.owner is None:
            return str(_("the whole team"))
        return template.owner.get_full_name() or template.owner.email

    @admin.display(description=_("updated at"), ordering="updated_at")
    def updated(self, template: MeetingTemplate) -> str:
        return display.viewer_datetime(template.updated_at)


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "requested_by", "status", "rows", "requested"]
    list_filter = ["status"]
    list_select_related = ["requested_by"]
    readonly_fields = [field.name for field in ExportJob._meta.fields]

    @admin.display(description=_("rows"))
    def rows(self, job: ExportJob) -> str:
        return display.grouped(job.rows_total) if job.rows_total is not None else "—"

    @admin.display(description=_("requested at"), ordering="created_at")
    def requested(self, job: ExportJob) -> str:
        return display.viewer_datetime(job.created_at)


@admin.register(AuditRetention)
class AuditRetentionAdmin(admin.ModelAdmin):
    """One row: how many days bodies and personal data are kept (the worker redacts older ones daily)."""

    list_display = ["kept_for", "changed"]

    @admin.display(description=_("keep bodies and personal data for (days)"))
    def kept_for(self, retention: AuditRetention) -> str:
        return ngettext("%(days)s day", "%(days)s days", retention.body_days) % {
            "days": display.grouped(retention.body_days)}

    @admin.display(description=_("changed at"), ordering="changed_at")
    def changed(self, retention: AuditRetention) -> str:
        return display.viewer_datetime(retention.changed_at)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not AuditRetention.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        AuditRetention.objects.get_or_create(pk=1)  # the default exists before anyone saved a choice
        return super().changelist_view(request, extra_context)


@admin.register(AuditVerification)
class AuditVerificationAdmin(ReadOnlyAdmin):
    list_display = ["started", "holds", "checked_entries", "duration_ms", "break_entry", "reason"]
    list_filter = ["holds"]
    readonly_fields = [field.name for field in AuditVerification._meta.fields]

    @admin.display(description=_("started at"), ordering="started_at")
    def started(self, verification: AuditVerification) -> str:
        return display.viewer_datetime(verification.started_at)

    @admin.display(description=_("entries checked"), ordering="checked")
    def checked_entries(self, verification: AuditVerification) -> str:
        return display.grouped(verification.checked)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
