"""In Chromium: an export over the bound shows its progress bar, then the download link, and passes axe."""

import csv
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from meetings.models import ExportJob, MeetingRecord
from tests.accessibility.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_export_over_the_bound_shows_progress_then_the_download(
    page, browser_login, settings, tmp_path, run_due_tasks, django_user_model, record_factory
):
    settings.EXPORT_STREAM_MAX_ROWS = 2
    settings.EXPORT_DIR = tmp_path / "exports"
    admin = django_user_model.objects.create_user("chefin", "chefin@example.de", first_name="Petra")
    call_command("grant_meeting_admin", admin.email, stdout=io.StringIO())
    for n in range(4):
        record_factory(user=admin, title=f"Termin {n}", status=MeetingRecord.Status.FAILED)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    browser_login(page, admin)

    page.goto("/meetings/all/?status=failed")
    page.get_by_role("button", name="Download CSV").click()
    expect(page.get_by_test_id("export-count")).to_contain_text("This export has 4 rows.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Start the export").click()

    bar = page.get_by_role("progressbar", name="Export progress")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_text("Waiting for the worker…")).to_be_visible()
    assert axe_violations(page) == []
    run_due_tasks()
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_text("4 of 4 rows written")).to_be_visible()
    download_link = page.get_by_role("link", name="Download the CSV file")
    with page.expect_download() as download_info:
        download_link.click()
    with open(download_info.value.path(), encoding="utf-8-sig") as downloaded:
        rows = list(csv.reader(downloaded))
    assert sorted(row[5] for row in rows[1:]) == ["Termin 0", "Termin 1", "Termin 2", "Termin 3"]
    assert ExportJob.objects.get().query == "status=failed"
    assert axe_violations(page) == [] and refused == []
