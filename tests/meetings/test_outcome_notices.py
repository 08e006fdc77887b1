"""A meeting that needs the rep, settled after they left its page: a count in the navigation, and one email.

The record's page polls while the outcome is open; a rep who watched it arrive gets no email.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.urls import reverse

from meetings.core.models import MeetingRecord, OutcomeNotice
from tests.api_version import API_VERSION
from tests.meetings.conftest import meeting_post
from tests.meetings.test_bulkhead import slots_taken_elsewhere
from tests.meetings.test_reconciliation import ROOT, _worker_env

CREATE_PATH = f"/scheduler/{API_VERSION}/meetings/calendar"
Status = MeetingRecord.Status


def not_created_after_leaving(client, sandbox, run_due_tasks, title: str, **post) -> MeetingRecord:
    """Submitted while HubSpot failed (503, nothing made); the rep left; the worker's checks settle it."""
    sandbox.fault(CREATE_PATH, status=503)
    client.post(reverse("meeting_create"), meeting_post(title=title, **post))
    run_due_tasks()
    record = MeetingRecord.objects.get(title=title)
    assert record.status == Status.NOT_CREATED
    return record


def needing_you(client) -> int | None:
    """The count beside "My meetings" in the navigation, or None without one."""
    found = re.search(r'data-needing-you>(\d+)<', client.get(reverse("home")).content.decode())
    return int(found[1]) if found else None


@pytest.mark.django_db
def test_a_rep_who_left_is_emailed_once_and_counted_until_they_open_the_record(
        rep_client, rep, sandbox, settings, run_due_tasks):
    settings.NOTICE_EMAIL_AFTER_SECONDS = 0
    settings.APP_BASE_URL = "https://meetings.example.de"
    record = not_created_after_leaving(rep_client, sandbox, run_due_tasks, "Angebot besprechen")
    run_due_tasks()  # the email's turn

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [rep.hubspot.email]
    assert "Angebot besprechen" in email.subject and "was not created" in email.subject
    assert f"https://meetings.example.de/meetings/{record.pk}/" in email.body
    assert "create it now" in email.body
    assert needing_you(rep_client) == 1

    rep_client.get(reverse("history_detail", args=[record.pk]))  # the link in the email

    assert needing_you(rep_client) is None
    run_due_tasks()
    assert len(mail.outbox) == 1  # once, however often the worker looks


@pytest.mark.django_db
def test_a_rep_watching_the_page_sees_the_outcome_there_and_gets_no_email(rep_client, sandbox, settings,
                                                                         run_due_tasks):
    settings.NOTICE_EMAIL_AFTER_SECONDS = 3600  # the email waits; the page's poll comes first
    record = not_created_after_leaving(rep_client, sandbox, run_due_tasks, "Beobachtet")
    notice = OutcomeNotice.objects.get(record=record)

    status = rep_client.get(reverse("meeting_status", args=[record.pk])).json()  # the page's next poll

    assert status["open"] is False
    notice.refresh_from_db()
    assert notice.seen_at is not None and needing_you(rep_client) is None
    from meetings.booking.tasks import email_outcome_notice
    assert email_outcome_notice.call(notice.pk) == "seen, emailed, or nowhere to send it"
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_admin_opening_the_record_does_not_mark_it_seen_for_the_rep(rep_client, rep, sandbox, settings,
                                                                      run_due_tasks, admin_client):
    settings.NOTICE_EMAIL_AFTER_SECONDS = 3600
    record = not_created_after_leaving(rep_client, sandbox, run_due_tasks, "Admin schaut")

    assert admin_client.get(reverse("history_detail", args=[record.pk])).status_code == 200

    assert needing_you(rep_client) == 1


@pytest.mark.django_db
def test_a_create_the_worker_sent_and_hubspot_refused_is_emailed_in_the_language_the_rep_booked_in(
        client, rep, sandbox, settings, run_due_tasks):
    settings.NOTICE_EMAIL_AFTER_SECONDS = 0
    settings.HUBSPOT_WAITING_THREADS = 1
    client.force_login(rep)
    client.cookies["django_language"] = "de"
    sandbox.fault(CREATE_PATH, status=400)
    with slots_taken_elsewhere(1):  # every slot busy: the worker sends it, after the rep has gone
        client.post(reverse("meeting_create"), meeting_post(title="Abgelehnt"))

    run_due_tasks()
    run_due_tasks()

    record = MeetingRecord.objects.get()
    assert record.status == Status.FAILED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "HubSpot hat „Abgelehnt“ abgelehnt"
    assert "erneut zu versuchen" in mail.outbox[0].body


@pytest.mark.django_db
def test_hubspot_refusing_the_form_itself_is_shown_there_and_not_counted(rep_client, sandbox, run_due_tasks):
    sandbox.fault(CREATE_PATH, status=400)
    response = rep_client.post(reverse("meeting_create"), meeting_post(title="Sofort gesehen"))
    run_due_tasks()

    assert response.status_code == 200  # the form, with HubSpot's refusal on it
    assert MeetingRecord.objects.get().status == Status.FAILED
    assert not OutcomeNotice.objects.exists() and mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_with_email_url_filemail_the_real_worker_writes_the_email(rep, client, sandbox, tmp_path):
    """EMAIL_URL=filemail:///… as an admin would set it: the worker settles the record and writes the email."""
    client.force_login(rep)
    sandbox.fault(CREATE_PATH, status=503)
    client.post(reverse("meeting_create"), meeting_post(title="Per Datei gemeldet"))
    record = MeetingRecord.objects.get()
    outbox = tmp_path / "mail"
    env = {**_worker_env(sandbox), "EMAIL_URL": f"filemail:///{outbox}", "NOTICE_EMAIL_AFTER_SECONDS": "0",
           "RECONCILE_SEARCH_HORIZON_SECONDS": "0", "APP_BASE_URL": "https://meetings.example.de"}

    worker = subprocess.Popen([sys.executable, "manage.py", "worker", "--interval", "0.2"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not (outbox.exists() and any(outbox.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.terminate()
        _, errors = worker.communicate(timeout=10)

    record.refresh_from_db()
    assert record.status == Status.NOT_CREATED, errors.decode()[-2000:]
    [written] = list(outbox.iterdir())
    text = written.read_text()
    assert f"To: {rep.hubspot.email}" in text and "Per Datei gemeldet" in text
    assert f"https://meetings.example.de/meetings/{record.pk}/" in text


@pytest.mark.django_db
def test_without_email_url_nothing_is_sent_and_the_navigation_still_counts(rep_client, sandbox, settings,
                                                                          run_due_tasks):
    settings.NOTICE_EMAIL_AFTER_SECONDS = 0
    settings.EMAIL_URL = ""  # production before an admin configured mail
    not_created_after_leaving(rep_client, sandbox, run_due_tasks, "Ohne Mailserver")
    run_due_tasks()

    assert mail.outbox == []
    assert needing_you(rep_client) == 1


@pytest.mark.django_db
def test_my_meetings_lists_what_needs_the_rep_until_they_open_it(rep_client, sandbox, settings, run_due_tasks):
    settings.NOTICE_EMAIL_AFTER_SECONDS = 3600
    record = not_created_after_leaving(rep_client, sandbox, run_due_tasks, "Wartet auf Lena")
    link = f'href="{reverse("history_detail", args=[record.pk])}"'

    page = rep_client.get(reverse("history_mine")).content.decode()
    needing = page[page.index('id="needing-you"'):page.index("</section>", page.index('id="needing-you"'))]
    assert "Wartet auf Lena" in needing and link in needing

    rep_client.get(reverse("history_detail", args=[record.pk]))
    assert 'id="needing-you"' not in rep_client.get(reverse("history_mine")).content.decode()
