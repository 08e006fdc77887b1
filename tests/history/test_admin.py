"""The Django admin keeps the audit records read-only; only superusers delete (data-protection requests)."""

import pytest
from django.urls import reverse

from meetings.models import MeetingRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(admin_user):
    admin_user.is_staff = True
    admin_user.save()
    return admin_user


def test_records_are_listed_searchable_and_read_only(client, superuser, lena, record_factory):
    record = record_factory(user=lena, title="Größenplanung", correlation_id="corr-1")
    client.force_login(superuser)

    listing = client.get(reverse("admin:meetings_meetingrecord_changelist"), {"q": "corr-1"})
    change = client.get(reverse("admin:meetings_meetingrecord_change", args=[record.pk]))
    posted = client.post(reverse("admin:meetings_meetingrecord_change", args=[record.pk]), {"title": "anders"})

    assert "Größenplanung" in listing.content.decode()
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert posted.status_code == 403 and MeetingRecord.objects.get().title == "Größenplanung"
    assert client.get(reverse("admin:meetings_meetingrecord_add")).status_code == 403


def test_only_superusers_delete(client, superuser, staff_admin, lena, record_factory):
    record = record_factory(user=lena)
    delete_url = reverse("admin:meetings_meetingrecord_delete", args=[record.pk])

    client.force_login(staff_admin)
    assert client.get(reverse("admin:meetings_meetingrecord_change", args=[record.pk])).status_code == 200
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.force_login(superuser)
    client.post(delete_url, {"post": "yes"})

    assert not MeetingRecord.objects.exists()


def test_the_connection_admin_never_shows_tokens(client, superuser, lena):
    from hubspot_login.models import HubSpotConnection

    connection = HubSpotConnection.objects.create(user=lena, hub_id=1, hubspot_user_id=2, access_token="secret-at",
                                                  refresh_token="secret-rt")
    client.force_login(superuser)

    content = client.get(reverse("admin:hubspot_login_hubspotconnection_change", args=[connection.pk])).content.decode()

    assert "secret-at" not in content and "secret-rt" not in content
