"""Exports over EXPORT_STREAM_MAX_ROWS: the worker writes them, the page shows progress, the admin who asked downloads."""

import csv
import io
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from meetings.history import exports, tasks
from meetings.models import ExportJob, MeetingRecord
from tests.audit.conftest import finalise, open_record, verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    """The files of this test alone (job numbers start again in every test)."""
    settings.EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def small_batches(monkeypatch):
    """Two rows a batch, so a handful of records takes several batches (and several progress updates)."""
    monkeypatch.setattr(exports, "BATCH_ROWS", 2)


@pytest.fixture
def chained(lena):
    """Five chained records (one failed) and one still open, the newest last."""
    made = [finalise(open_record(user=lena, title=f"Termin {n}"),
                     MeetingRecord.Status.FAILED if n == 2 else MeetingRecord.Status.CREATED) for n in range(5)]
    open_record(user=lena, title="Noch offen", status=MeetingRecord.Status.UNKNOWN)
    return made


def start_export(client, user, language: str = "en", **params) -> ExportJob:
    client.force_login(user)
    response = client.post(f"{reverse('history_export')}?{urlencode(params)}", {"confirm": "1"},
                           HTTP_ACCEPT_LANGUAGE=language)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export_job", args=[job.pk])
    return job


def downloaded(client, job: ExportJob) -> bytes:
    response = client.get(reverse("export_job_download", args=[job.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(("language", "delimiter", "first_column"),
                         [("en", ",", "Submitted at (UTC)"), ("de", ";", "Abgeschickt am (UTC)")])
def test_over_the_bound_the_worker_writes_the_file_and_it_verifies(
    client, admin_user, chained, settings, run_due_tasks, small_batches, tmp_path, language, delimiter, first_column
):
    settings.EXPORT_STREAM_MAX_ROWS = 3
    job = start_export(client, admin_user, language)
    assert job.status == ExportJob.Status.QUEUED

    run_due_tasks()

    job.refresh_from_db()
    assert job.is_done and job.rows_done == job.rows_total == 6 and job.finished_at is not None
    raw = downloaded(client, job)
    path = tmp_path / "export.csv"
    path.write_bytes(raw)
    header, *rows = csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter)
    assert header[0] == first_column
    listed = [record.title for record in client.get(reverse("history_all")).context["page"]]
    assert [row[5] for row in rows] == listed  # the list's rows, in its order, across batches
    assert "The audit chain holds: checked 6 rows of" in verify("--csv", str(path))


def test_progress_counts_every_batch_up_to_the_total(admin_user, chained, settings, small_batches, monkeypatch):
    job = exports.export_job_create(user=admin_user, filters=exports.filters_from_query(""), language="en")
    seen = []
    write = exports.csv_batches

    def watched(records, **options):
        for piece in write(records, **options):
            seen.append(ExportJob.objects.values_list("rows_done", "rows_total").get(pk=job.pk))
            yield piece

    monkeypatch.setattr(exports, "csv_batches", watched)

    tasks.export_write.call(job.pk)

    # Read before each piece is written: the header, then after each batch of two the count moved on.
    assert seen == [(0, 6), (0, 6), (2, 6), (4, 6)]
    assert ExportJob.objects.values_list("rows_done", "rows_total").get(pk=job.pk) == (6, 6)


def test_up_to_the_bound_the_export_still_streams(client, admin_user, chained, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 6
    client.force_login(admin_user)

    response = client.get(reverse("history_export"))

    assert response.streaming and len(b"".join(response.streaming_content).splitlines()) == 7
    assert not ExportJob.objects.exists()


def test_the_filters_go_with_the_job(client, admin_user, chained, settings, run_due_tasks):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    job = start_export(client, admin_user, status="created", q="termin")

    run_due_tasks()

    job.refresh_from_db()
    rows = list(csv.reader(io.StringIO(downloaded(client, job).decode("utf-8-sig"))))[1:]
    assert job.rows_total == 4 and sorted(row[5] for row in rows) == ["Termin 0", "Termin 1", "Termin 3", "Termin 4"]


def test_a_reload_does_not_start_a_second_job(client, admin_user, chained, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 3
    first = start_export(client, admin_user)

    again = client.post(reverse("history_export"), {"confirm": "1"})

    assert again["Location"] == reverse("export_job", args=[first.pk]) and ExportJob.objects.count() == 1


def test_a_link_to_a_large_export_asks_before_it_starts_a_job(client, admin_user, chained, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 3
    client.force_login(admin_user)

    asked = client.get(reverse("history_export"), {"status": "created"})

    page = asked.content.decode()
    assert asked.status_code == 200 and not ExportJob.objects.exists()
    assert "This export has 4 rows." in page and 'name="csrfmiddlewaretoken"' in page
    assert f'action="{reverse("history_export")}?status=created"' in page


def test_starting_a_job_needs_the_csrf_token(admin_user, chained, settings):
    from django.test import Client

    settings.EXPORT_STREAM_MAX_ROWS = 3
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)

    assert browser.post(reverse("history_export")).status_code == 403
    assert not ExportJob.objects.exists()


def test_the_page_shows_a_progress_bar_and_then_the_download(client, admin_user, chained, settings, run_due_tasks):
    settings.EXPORT_STREAM_MAX_ROWS = 3
    job = start_export(client, admin_user)
    status_url = reverse("export_job_status", args=[job.pk])

    waiting = client.get(reverse("export_job", args=[job.pk])).content.decode()
    before = client.get(status_url).json()
    run_due_tasks()
    after = client.get(status_url).json()

    assert 'role="progressbar"' in waiting and 'aria-valuenow="0"' in waiting and "js/export-progress.js" in waiting
    assert before["finished"] is False and before["download_url"] is None
    assert after["finished"] is True and after["percent"] == 100 and after["rows_done"] == after["rows_total"] == 6
    assert after["progress_text"] == "6 of 6 rows written"
    assert after["download_url"] == reverse("export_job_download", args=[job.pk])
    done = client.get(reverse("export_job", args=[job.pk])).content.decode()
    assert 'aria-valuenow="100"' in done and after["download_url"] in done


def test_the_time_left_is_estimated_from_the_pace_so_far(admin_user):
    job = ExportJob(requested_by=admin_user, status=ExportJob.Status.RUNNING, rows_total=1000, rows_done=250,
                    started_at=timezone.now() - timedelta(seconds=30))

    assert 85 <= job.seconds_left <= 95 and job.percent == 25


def test_only_the_admin_who_asked_or_a_superuser_gets_the_job(
    client, admin_user, lena, make_user, superuser, chained, settings, run_due_tasks
):
    settings.EXPORT_STREAM_MAX_ROWS = 3
    job = start_export(client, admin_user)
    run_due_tasks()
    other_admin = make_user("andere.chefin@example.de")
    call_command("grant_meeting_admin", other_admin.email, stdout=io.StringIO())
    urls = [reverse(name, args=[job.pk]) for name in ("export_job", "export_job_status", "export_job_download")]

    for stranger in (lena, other_admin):
        client.force_login(stranger)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.force_login(superuser)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]


def test_a_failed_job_says_so_and_leaves_no_file(client, admin_user, chained, settings, run_due_tasks, monkeypatch):
    settings.EXPORT_STREAM_MAX_ROWS = 3

    def broken_disk(records, **options):
        yield "\ufeffheader\r\n".encode(), 0
        raise OSError("No space left on device")

    monkeypatch.setattr(exports, "csv_batches", broken_disk)
    job = start_export(client, admin_user, "de")

    run_due_tasks()

    job.refresh_from_db()
    assert job.is_failed and job.file_name == "" and not list(settings.EXPORT_DIR.glob(f"export-{job.pk}-*"))
    page = client.get(reverse("export_job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    state = client.get(reverse("export_job_status", args=[job.pk])).json()
    assert "Der Export konnte nicht geschrieben werden" in page and state["error"] == job.error
    assert state["finished"] is True and state["download_url"] is None
    assert client.get(reverse("export_job_download", args=[job.pk])).status_code == 404


def test_an_admin_who_lost_the_right_before_the_worker_ran_gets_no_file(
    client, admin_user, chained, settings, run_due_tasks
):
    settings.EXPORT_STREAM_MAX_ROWS = 3
    job = start_export(client, admin_user)
    call_command("grant_meeting_admin", admin_user.email, "--revoke", stdout=io.StringIO())

    run_due_tasks()

    job.refresh_from_db()
    assert job.is_failed and str(exports.REFUSED_MESSAGE) == job.error and job.file_name == ""


def test_old_exports_are_deleted_with_their_files(client, admin_user, chained, settings, run_due_tasks):
    settings.EXPORT_STREAM_MAX_ROWS = 3
    job = start_export(client, admin_user)
    run_due_tasks()
    job.refresh_from_db()
    path = exports.export_job_path(job)
    assert path.exists()
    settings.EXPORT_KEEP_SECONDS = 3600
    young = ExportJob.objects.create(requested_by=admin_user, language="en", delimiter=",")
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=2))

    result = tasks.delete_old_exports.call()

    assert result == {"deleted": 1} and not path.exists()
    assert list(ExportJob.objects.all()) == [young]
    client.force_login(admin_user)
    assert client.get(reverse("export_job", args=[job.pk])).status_code == 404


def test_batches_keep_the_lists_order_when_records_share_a_time(admin_user, lena, record_factory, small_batches):
    moment = timezone.now() - timedelta(minutes=5)
    for n in range(5):
        record_factory(user=lena, title=f"Gleichzeitig {n}", created_at=moment)
    records = MeetingRecord.objects.all()

    pieces = list(exports.csv_batches(records, delimiter=","))

    rows = list(csv.reader(io.StringIO(b"".join(text for text, _rows in pieces).decode().removeprefix("\ufeff"))))[1:]
    assert [rows_in for _text, rows_in in pieces] == [0, 2, 2, 1]
    assert [row[5] for row in rows] == [f"Gleichzeitig {n}" for n in (4, 3, 2, 1, 0)]


def test_a_job_a_dead_worker_left_running_goes_with_its_partial_file(admin_user, settings):
    settings.EXPORT_KEEP_SECONDS = 3600
    left = ExportJob.objects.create(requested_by=admin_user, language="en", delimiter=",",
                                    status=ExportJob.Status.RUNNING, file_name="export-1-abandoned.csv")
    path = exports.export_job_path(left)
    path.parent.mkdir(parents=True)
    path.write_text("half a file")
    ExportJob.objects.filter(pk=left.pk).update(created_at=timezone.now() - timedelta(hours=2))

    assert exports.export_jobs_delete_old() == 1 and not path.exists() and not ExportJob.objects.exists()


def test_a_job_whose_worker_died_says_it_failed_and_can_be_started_again(client, admin_user, chained, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 3
    left = start_export(client, admin_user)
    silent = timezone.now() - timedelta(seconds=settings.EXPORT_ABANDONED_SECONDS + 1)
    ExportJob.objects.filter(pk=left.pk).update(status=ExportJob.Status.RUNNING, started_at=silent,
                                                heartbeat_at=silent, file_name="export-left-behind.csv")
    path = exports.export_job_path(ExportJob.objects.get(pk=left.pk))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("half a file")

    state = client.get(reverse("export_job_status", args=[left.pk])).json()

    left.refresh_from_db()
    assert left.is_failed and state["finished"] is True and "stopped before it was done" in state["error"]
    assert not path.exists()
    response = client.post(reverse("history_export"), {"confirm": "1"})  # the same filters again: a new job, not the dead one
    again = ExportJob.objects.exclude(pk=left.pk).get()
    assert response["Location"] == reverse("export_job", args=[again.pk]) and again.status == ExportJob.Status.QUEUED


def test_a_job_whose_worker_is_alive_keeps_running(client, admin_user, chained, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 3
    job = start_export(client, admin_user)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, started_at=timezone.now(),
                                               heartbeat_at=timezone.now())

    assert client.get(reverse("export_job_status", args=[job.pk])).json()["finished"] is False
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.RUNNING
