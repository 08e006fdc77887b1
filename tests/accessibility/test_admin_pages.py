"""axe-core on what an admin uses: All meetings (with the audit line and a verification under way), a record, the
export's confirmation and job pages, the admin site's pages, and the 403/404/500 pages, in English and German."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from meetings.audit.models import AuditRetention
from meetings.models import ExportJob, MeetingRecord, MeetingTemplate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting_admin(django_user_model):
    """A staff member with the meeting-admin rights, who reads the history and the admin site."""
    user = django_user_model.objects.create_superuser("chefin", "chefin@example.de", "pw", first_name="Petra")
    call_command("grant_meeting_admin", user.email, stdout=io.StringIO())
    return user


def test_all_meetings_and_the_export_pages(language_page, audit, browser_login, meeting_admin, lena, final_record,
                                           settings, tmp_path):
    page = language_page
    settings.EXPORT_DIR = tmp_path / "exports"
    for status in (MeetingRecord.Status.CREATED, MeetingRecord.Status.FAILED, MeetingRecord.Status.CREATED):
        final_record(user=lena, status=status)
    call_command("verify_audit", stdout=io.StringIO())
    browser_login(page, meeting_admin)

    page.goto("/meetings/all/")
    expect(page.get_by_test_id("audit-state")).to_be_visible()
    audit("all meetings, verified")
    page.locator("[data-testid=audit-state] button[type=submit]").click()
    expect(page.locator("[data-verify-text]")).to_be_visible()
    audit("all meetings, a verification under way")
    page.locator(".chart-bar").last.focus()
    audit("all meetings, a bar of the chart focused")

    failed = MeetingRecord.objects.filter(status=MeetingRecord.Status.FAILED).get()
    page.goto(f"/meetings/{failed.pk}/")
    page.locator("[data-testid=technical-details] > summary").click()
    audit("a failed record, its technical details open")

    with override_settings(EXPORT_STREAM_MAX_ROWS=1):
        page.goto("/meetings/all/export.csv?status=created")
        audit("a large export, asked first")
        page.locator("button[name=confirm]").click()
        expect(page.locator("[data-export-status]")).to_be_visible()
        audit("an export, queued")
        page.locator("[data-export-cancel] button").click()
        expect(page.locator("[data-export-cancelled]")).to_be_visible()
        audit("an export, cancelled")
    assert ExportJob.objects.get().status == ExportJob.Status.CANCELLED

    assert audit.found == {}, "\n".join(f"{k}: {v}" for k, v in audit.found.items())


def test_the_admin_site(language_page, audit, browser_login, meeting_admin, lena, final_record):
    page = language_page
    record = final_record(user=lena, status=MeetingRecord.Status.FAILED)
    MeetingTemplate.objects.create(name="Team-Vorlage", owner=None, hub_id=24681357, values={"title": "Team"})
    AuditRetention.objects.get_or_create(pk=1)
    call_command("verify_audit", stdout=io.StringIO())

    page.goto("/admin/login/")
    audit("admin sign-in")
    browser_login(page, meeting_admin)
    for name, url in [
        ("admin index", "/admin/"),
        ("records", "/admin/meetings/meetingrecord/"),
        ("a record", f"/admin/meetings/meetingrecord/{record.pk}/change/"),
        ("templates", "/admin/meetings/meetingtemplate/"),
        ("exports", "/admin/meetings/exportjob/"),
        ("verifications", "/admin/meetings/auditverification/"),
        ("retention", "/admin/meetings/auditretention/"),
        ("users", "/admin/auth/user/"),
        ("groups", "/admin/auth/group/"),
    ]:
        page.goto(url)
        audit(name)
    page.goto(f"/admin/meetings/meetingrecord/{record.pk}/delete/")  # refused, with a message
    expect(page.locator(".messagelist")).to_be_visible()
    audit("a record, its delete refused")

    assert audit.found == {}, "\n".join(f"{k}: {v}" for k, v in audit.found.items())


@pytest.mark.urls("tests.foundation.failing_urls")
def test_the_error_pages(language_page, audit, browser_login, lena):
    page = language_page
    page.goto("/nowhere/")
    audit("404")
    page.goto("/fails/")
    expect(page.locator("main h1")).to_be_visible()
    audit("500")
    browser_login(page, lena)
    page.goto("/meetings/all/")
    audit("403")

    assert audit.found == {}, "\n".join(f"{k}: {v}" for k, v in audit.found.items())
