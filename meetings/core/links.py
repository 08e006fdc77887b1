"""Links into HubSpot's app (or the sandbox's, which serves the same paths)."""

from __future__ import annotations

from django.conf import settings


def hubspot_meeting_url(record) -> str:
    return f"{settings.HUBSPOT_APP_BASE}/contacts/{record.hub_id}/record/0-47/{record.hubspot_meeting_id}"


def hubspot_meetings_list_url(record) -> str:
    """The portal's meetings list: where to look when a create's outcome is unknown."""
    return f"{settings.HUBSPOT_APP_BASE}/contacts/{record.hub_id}/objects/0-47/views/all/list"
