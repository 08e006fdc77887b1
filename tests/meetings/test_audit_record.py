import pytest
from django.urls import reverse

from meetings.models import FinalRecordError, MeetingRecord
from tests.api_version import API_VERSION, UPLOAD_VERSION
from tests.conftest import meeting_post

pytestmark = pytest.mark.django_db


def test_the_audit_record_holds_the_attempt_and_no_token(rep_client, rep, demo):
    contact = demo["contacts"][0]
    rep_client.get(reverse("picker_search", args=["contacts"]), {"q": contact["email"]})
    post = meeting_post(contacts=[contact["id"]])
    rep_client.post(reverse("meeting_create"), post)

    record = MeetingRecord.objects.get()
    assert (record.user, record.hubspot_user_id, record.owner_id, record.hub_id) == (
        rep, 5120001, "71234500101", 24681357)
    assert str(record.idempotency_key) == post["idempotency_key"]
    assert record.time_zone == "Europe/Berlin" and record.start_at < record.end_at
    assert record.associations == [{"type": "contacts", "id": contact["id"],
                                    "label": f'{contact["firstname"]} {contact["lastname"]}'}]
    assert record.response_status == 200 and record.response_body["id"] == record.hubspot_meeting_id
    assert record.attempts == 1 and record.duration_ms >= 0 and record.finished_at >= record.created_at
    stored = str(MeetingRecord.objects.values().get())
    assert rep.hubspot.access_token not in stored and rep.hubspot.refresh_token not in stored


def test_a_final_record_cannot_change(rep_client):
    rep_client.post(reverse("meeting_create"), meeting_post())
    record = MeetingRecord.objects.get()

    record.title = "rewritten"
    with pytest.raises(FinalRecordError):
        record.save()
    assert MeetingRecord.objects.get().title != "rewritten"


def test_attachments_are_uploaded_to_hubspot_and_attached(rep_client, rep, sandbox):
    from django.core.files.uploadedfile import SimpleUploadedFile

    post = meeting_post(attachments=[SimpleUploadedFile("Angebot Müller.pdf", b"%PDF-1.4 demo", "application/pdf")])

    rep_client.post(reverse("meeting_create"), post)

    record = MeetingRecord.objects.get()
    assert record.status == MeetingRecord.Status.CREATED, record.error_message
    file_ids = record.request_payload["properties"]["hs_attachment_ids"]
    assert len(file_ids) == 1
    assert [r["status"] for r in sandbox.requests(path=f"/files/{UPLOAD_VERSION}/files")] == [201]
    meeting = sandbox.meetings()[str(record.hub_id)][record.hubspot_meeting_id]
    assert meeting["properties"]["hs_attachment_ids"] == file_ids[0]


def test_the_picker_says_when_hubspot_search_is_down(rep_client, sandbox):
    sandbox.fault(f"/crm/objects/{API_VERSION}/contacts/search", count=10, status=503)

    response = rep_client.get(reverse("picker_search", args=["contacts"]), {"q": "müller"})

    assert response.status_code == 503
    assert response.json() == {
        "results": [], "error": "HubSpot search is not available right now. The rest of the form still works."}


def test_the_picker_needs_two_letters_and_caches(rep_client, sandbox):
    assert rep_client.get(reverse("picker_search", args=["deals"]), {"q": "a"}).json() == {"results": []}

    first = rep_client.get(reverse("picker_search", args=["deals"]), {"q": "Lizenzen"}).json()
    again = rep_client.get(reverse("picker_search", args=["deals"]), {"q": "lizenzen "}).json()

    assert first == again and first["results"][0]["detail"]  # deals show their amount
    assert len(sandbox.requests(path=f"/crm/objects/{API_VERSION}/0-3/search")) + len(
        sandbox.requests(path=f"/crm/objects/{API_VERSION}/deals/search")) == 1


def test_after_a_failed_submit_the_rep_is_told_to_attach_files_again(rep_client, sandbox):
    from django.core.files.uploadedfile import SimpleUploadedFile

    post = meeting_post(title="", attachments=[SimpleUploadedFile("Angebot.pdf", b"%PDF-1.4", "application/pdf")])

    response = rep_client.post(reverse("meeting_create"), post)

    assert response.context["form"].errors["attachments"] == [
        "Browsers cannot keep chosen files: please attach them again."]
    assert not MeetingRecord.objects.exists()
