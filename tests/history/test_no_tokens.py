"""No page of the history and no export ever shows a HubSpot token."""

import pytest
from django.urls import reverse

from hubspot_login.models import HubSpotConnection
from meetings.models import MeetingRecord

pytestmark = pytest.mark.django_db

ACCESS, REFRESH = "CKx-access-token-7f3e9a", "na1-refresh-token-4c2d81"


@pytest.mark.parametrize("status", [s.value for s in MeetingRecord.Status])
def test_history_pages_and_export_never_show_a_token(client, superuser, lena, record_factory, status):
    HubSpotConnection.objects.create(user=lena, hub_id=24681357, hubspot_user_id=5120001,
                                     access_token=ACCESS, refresh_token=REFRESH)
    record = record_factory(user=lena, status=status, response_body={"status": "error", "message": "nope"})
    pages = []
    for viewer in (lena, superuser):
        client.force_login(viewer)
        pages += [client.get(reverse("history_mine")), client.get(reverse("history_detail", args=[record.pk]))]
    pages += [client.get(reverse("history_all"), {"rep": lena.pk})]
    export = client.get(reverse("history_export"))

    texts = [page.content.decode() for page in pages] + [b"".join(export.streaming_content).decode("utf-8-sig")]
    assert all(page.status_code == 200 for page in pages)
    for text in texts:
        assert ACCESS not in text and REFRESH not in text
        assert "Bearer" not in text
