"""A large export asks first, naming its row count, its filters and an estimate from the worker's measured pace;
a queued or running export can be cancelled, and the worker then stops and deletes its file."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.history import exports
from meetings.models import ExportJob, MeetingRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.EXPORT_STREAM_MAX_ROWS = 2


@pytest.fixture
def records(lena, record_factory):
    return [record_factory(user=lena, title=f"Termin {n}", status=MeetingRecord.Status.FAILED) for n in range(5)]


def confirmation(client, **params) -> str:
    response = client.post(reverse("history_export") + "?" + "&".join(f"{k}={v}" for k, v in params.items()),
                           HTTP_ACCEPT_LANGUAGE=params.pop("language", "en"))
    assert response.status_code == 200 and not ExportJob.objects.filter(status=ExportJob.Status.QUEUED).exists()
    return " ".join(response.content.decode().split())


def test_the_confirmation_names_the_count_and_the_filters(client, admin_user, records):
    client.force_login(admin_user)

    page = confirmation(client, status="failed", q="Termin", submitted_from="2026-01-31")

    assert "This export has 5 rows." in page
    assert "<dt class=\"col-sm-3\">Status</dt><dd class=\"col-sm-9\">Failed</dd>" in page
    assert "<dt class=\"col-sm-3\">Search</dt><dd class=\"col-sm-9\">“Termin”</dd>" in page
    assert "<dt class=\"col-sm-3\">Submitted from</dt><dd class=\"col-sm-9\">31 Jan 2026</dd>" in page
    assert "No export has been timed yet" in page


def test_the_estimate_comes_from_the_pace_of_finished_exports(client, admin_user, records):
    started = timezone.now() - timedelta(minutes=5)
    ExportJob.objects.create(requested_by=admin_user, language="en", delimiter=",", status=ExportJob.Status.DONE,
                             rows_total=60_000, rows_done=60_000, started_at=started,
                             finished_at=started + timedelta(seconds=30))  # 2,000 rows a second
    client.force_login(admin_user)

    assert exports.export_rows_per_second() == pytest.approx(2000)
    assert exports.export_estimate_seconds(120_000) == 60
    page = confirmation(client)

    assert "It should take about 1 second, at the pace of the last exports." in page  # 5 rows at 2,000 a second


def test_a_queued_export_is_cancelled_and_never_written(client, admin_user, records, run_due_tasks):
    client.force_login(admin_user)
    client.post(reverse("history_export"), {"confirm": "1"})
    job = ExportJob.objects.get()

    response = client.post(reverse("export_job_cancel", args=[job.pk]), follow=True)
    run_due_tasks()
    job.refresh_from_db()

    assert job.status == ExportJob.Status.CANCELLED and not job.file_name
    assert "This export was cancelled; its file is deleted." in response.content.decode()
    assert client.get(reverse("export_job_status", args=[job.pk])).json()["finished"]
    assert client.get(reverse("export_job_download", args=[job.pk])).status_code == 404


def test_a_running_export_stops_at_its_next_batch_and_deletes_its_file(admin_user, records, monkeypatch):
    monkeypatch.setattr(exports, "BATCH_ROWS", 2)
    job = exports.export_job_create(user=admin_user, filters=exports.filters_from_query(""), language="de")
    real_batches = exports.csv_batches

    def cancelled_after_the_first(*args, **kwargs):
        for number, batch in enumerate(real_batches(*args, **kwargs)):
            if number == 2:  # the header, one batch of rows: then the admin presses Cancel
                exports.export_job_cancel(job=ExportJob.objects.get(pk=job.pk))
            yield batch

    monkeypatch.setattr(exports, "csv_batches", cancelled_after_the_first)
    exports.export_job_run(job.pk)
    job.refresh_from_db()

    assert job.status == ExportJob.Status.CANCELLED and job.rows_done < 5
    assert job.error == "Dieser Export wurde abgebrochen; seine Datei ist gelöscht."  # in the export's language
    assert not any(exports.export_job_path(job).parent.glob("*.csv"))


def test_a_finished_export_is_not_cancelled(client, admin_user):
    job = ExportJob.objects.create(requested_by=admin_user, language="en", delimiter=",",
                                   status=ExportJob.Status.DONE, rows_total=3, rows_done=3)
    client.force_login(admin_user)

    response = client.post(reverse("export_job_cancel", args=[job.pk]), follow=True)
    job.refresh_from_db()

    assert job.status == ExportJob.Status.DONE and "This export had already ended." in response.content.decode()


def test_another_admin_cannot_cancel(client, admin_user, make_user, records):
    from django.core.management import call_command

    other = make_user("andere@example.de")
    call_command("grant_meeting_admin", other.email, stdout=open("/dev/null", "w"))  # noqa: SIM115
    job = exports.export_job_create(user=admin_user, filters=exports.filters_from_query(""), language="en")
    client.force_login(other)

    assert client.post(reverse("export_job_cancel", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ExportJob.Status.QUEUED


def test_the_csv_says_a_failure_in_the_exports_language(client, admin_user, lena, record_factory, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 100
    record_factory(user=lena, status=MeetingRecord.Status.FAILED, response_status=400,
                   error_message="Injected fault: HTTP 400 (correlation id: 7c1f)")
    record_factory(user=lena, status=MeetingRecord.Status.CREATED)
    client.force_login(admin_user)

    response = client.get(reverse("history_export"), HTTP_ACCEPT_LANGUAGE="de")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, failed, created = (line.split(";") for line in text.splitlines()[:3])

    column = header.index("Was geschah")
    assert failed[column].startswith("HubSpot hat den Termin abgelehnt")
    assert "Injected fault" in failed[header.index("Fehlermeldung")]  # HubSpot's own words stay beside it
    assert created[column] == ""
