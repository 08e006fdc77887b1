"""Django admin: the audit records read-only for everyone; the audit chain's retention set here by admins."""

from django.contrib import admin

from meetings.audit.models import AuditErasure, AuditRetention, AuditVerification
from meetings.core.models import MeetingRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MeetingRecord)
class MeetingRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "title", "user", "status", "hub_id", "hubspot_meeting_id", "attempts", "duration_ms"]
    list_filter = ["status", "hub_id", "created_at"]
    search_fields = ["title", "search_text", "user__email", "user__username", "correlation_id", "hubspot_meeting_id"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = [field.name for field in MeetingRecord._meta.fields]
    show_full_result_count = False
    # No bulk actions: the only one, delete, asks no record whether it is chained.
    actions = None

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or request.user.has_perm("meetings.view_all_meeting_records") or \
            super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # A record in the audit chain is never deleted — that would break the chain; `manage.py erase_person`
        # redacts a person's data instead. Records outside it (still open) only superusers may delete.
        return request.user.is_superuser and (obj is None or not obj.is_chained)


@admin.register(AuditRetention)
class AuditRetentionAdmin(admin.ModelAdmin):
    """One row: how many days bodies and personal data are kept (the worker redacts older ones daily)."""

    list_display = ["body_days", "changed_at"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not AuditRetention.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        AuditRetention.objects.get_or_create(pk=1)  # the default exists before anyone saved a choice
        return super().changelist_view(request, extra_context)


@admin.register(AuditVerification)
class AuditVerificationAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "holds", "checked", "duration_ms", "break_entry", "reason"]
    list_filter = ["holds"]
    readonly_fields = [field.name for field in AuditVerification._meta.fields]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditErasure)
class AuditErasureAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject_kind", "requested_by", "audit_seq"]
    readonly_fields = [field.name for field in AuditErasure._meta.fields]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
