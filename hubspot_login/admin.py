"""Django admin: who is connected to which portal, read-only; tokens are never shown."""

from django.contrib import admin

from hubspot_login.models import HubSpotConnection


@admin.register(HubSpotConnection)
class HubSpotConnectionAdmin(admin.ModelAdmin):
    # Tokens are not fields of this admin: they are never shown.
    fields = ["user", "email", "hubspot_user_id", "owner_id", "hub_id", "hub_domain", "scopes", "connected_at",
              "updated_at"]
    readonly_fields = fields
    list_display = ["user", "email", "hubspot_user_id", "owner_id", "hub_domain", "updated_at"]
    search_fields = ["email", "user__email", "hub_domain"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
