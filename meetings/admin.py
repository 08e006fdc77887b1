"""Django admin: the audit records read-only for everyone; deleting only for superusers (data-protection requests)."""

from django.contrib import admin

from meetings.models import MeetingRecord


@admin.register(MeetingRecord)
class MeetingRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "title", "user", "status", "hub_id", "hubspot_meeting_id", "attempts", "duration_ms"]
    list_filter = ["status", "hub_id", "created_at"]
    search_fields = ["title", "search_text", "user__email", "user__username", "correlation_id", "hubspot_meeting_id"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = [field.name for field in MeetingRecord._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or request.user.has_perm("meetings.view_all_meeting_records") or \
            super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
