"""The Django admin is the product's: its own name in both languages, only the models an admin uses, records read
in words and kept read-only; only superusers delete open records, and a refused delete says why."""

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
    refused = client.post(delete_url, {"post": "yes"}, follow=True)
    assert refused.status_code == 200 and "Only a superuser may delete a record that is still open." in \
        refused.content.decode()
    assert MeetingRecord.objects.exists()
    client.force_login(superuser)
    client.post(delete_url, {"post": "yes"})

    assert not MeetingRecord.objects.exists()


def test_a_chained_record_refuses_deletion_with_a_message_not_a_403(client, superuser, lena, record_factory):
    record = record_factory(user=lena, audit_seq=1)
    client.force_login(superuser)

    response = client.get(reverse("admin:meetings_meetingrecord_delete", args=[record.pk]), follow=True,
                          HTTP_ACCEPT_LANGUAGE="de")

    assert response.redirect_chain[-1][0] == reverse("admin:meetings_meetingrecord_change", args=[record.pk])
    assert "Teil des Prüfpfads und kann nicht gelöscht werden" in response.content.decode()
    assert MeetingRecord.objects.filter(pk=record.pk).exists()


def test_the_header_is_the_products_in_both_languages(client, superuser):
    client.force_login(superuser)

    english = client.get(reverse("admin:index")).content.decode()
    german = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    client.logout()
    login = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Meeting Booker administration" in english and "Django administration" not in english
    assert "Meeting Booker – Verwaltung" in german and '<html lang="de"' in german
    assert "Meeting Booker – Verwaltung" in login


def test_only_the_models_an_admin_uses_are_on_the_site(client, superuser):
    from django.contrib import admin

    labels = {model._meta.label for model in admin.site._registry}
    client.force_login(superuser)
    index = client.get(reverse("admin:index")).content.decode()

    assert labels == {"meetings.MeetingRecord", "meetings.MeetingTemplate", "meetings.ExportJob",
                      "meetings.AuditVerification", "meetings.AuditRetention", "auth.User", "auth.Group",
                      "axes.AccessAttempt"}
    assert "Task results" not in index and "Social" not in index and "Email addresses" not in index


def test_a_record_reads_in_words_with_the_technical_fields_folded(client, superuser, lena, record_factory):
    record = record_factory(user=lena, status=MeetingRecord.Status.FAILED, response_status=400,
                            error_message="Injected fault: HTTP 400", correlation_id="corr-folded", audit_seq=1,
                            audit_link="a" * 64)
    client.force_login(superuser)

    page = client.get(reverse("admin:meetings_meetingrecord_change", args=[record.pk])).content.decode()
    words, folded = page.split("HubSpot&#x27;s answer (technical)", 1)

    assert "HubSpot refused the meeting: it did not accept some of the values that were sent." in words
    assert "a" * 64 not in words and "corr-folded" not in words
    assert "a" * 64 in folded and "corr-folded" in folded
    assert '<details' in page.split("What happened", 1)[1]  # the technical fieldsets fold


def test_the_retention_reads_in_the_admins_language(client, superuser):
    client.force_login(superuser)

    page = client.get(reverse("admin:meetings_auditretention_changelist"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "365 Tage" in page and "365 days" not in page


def test_hubspot_connections_are_not_on_the_admin_site(client, superuser, lena):
    from hubspot_login.models import HubSpotConnection

    connection = HubSpotConnection.objects.create(user=lena, hub_id=1, hubspot_user_id=2, access_token="secret-at",
                                                  refresh_token="secret-rt")
    client.force_login(superuser)

    response = client.get(f"/admin/hubspot_login/hubspotconnection/{connection.pk}/change/")

    assert response.status_code == 404 and "secret-at" not in response.content.decode()


def test_a_verification_and_the_retention_are_named_in_the_admins_language(client, superuser):
    from meetings.audit.models import AuditRetention, AuditVerification

    retention = AuditRetention.objects.update_or_create(pk=1, defaults={"body_days": 90})[0]
    verification = AuditVerification.objects.create(duration_ms=1, holds=True, checked=5, head_seq=5,
                                                    head_link="0" * 64)
    client.force_login(superuser)

    pages = [client.get(reverse(f"admin:meetings_{model}_change", args=[pk]), HTTP_ACCEPT_LANGUAGE="de").content
             .decode() for model, pk in (("auditverification", verification.pk), ("auditretention", retention.pk))]

    assert "die Kette hält" in pages[0] and "the chain holds" not in pages[0]
    assert "90 Tage" in pages[1] and "90 days" not in pages[1]
