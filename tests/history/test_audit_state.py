"""All meetings names the audit chain's last verification in the viewer's zone, counts what it covered, and
"Verify now" has the worker walk the chain while the page follows it."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from meetings.audit import chain as audit
from meetings.audit.models import AuditVerification
from meetings.history import tasks
from tests.audit.conftest import final_record, verify  # noqa: F401 - the chained-record factory
from tests.clock import BERLIN

pytestmark = pytest.mark.django_db


def audit_line(client, **headers) -> str:
    page = client.get(reverse("history_all"), **headers).content.decode()
    start = page.index('data-testid="audit-state"')
    return " ".join(page[start:page.index("</form>", start)].split())


def test_after_verify_audit_the_line_says_when_in_the_viewers_zone_and_counts_the_records(
        client, admin_user, lena, final_record):  # noqa: F811
    for _ in range(3):
        final_record(user=lena)
    verify()
    final_record(user=lena)  # after the walk: not covered by it
    client.force_login(admin_user)
    client.cookies["viewer_tz"] = "Europe/Berlin"

    line = audit_line(client)
    german = audit_line(client, HTTP_ACCEPT_LANGUAGE="de")

    # The walk's start in Berlin's time, Berlin named: not UTC, not without a zone.
    started = AuditVerification.objects.get().started_at.astimezone(BERLIN)
    assert (f"Audit trail verified {started:%-d %b %Y, %H:%M} (Europe/Berlin): the chain holds, 3 meeting records "
            "checked.") in line
    assert "1 entry joined the chain since" in line
    assert f"Prüfpfad geprüft am {started.day}. " in german and f"{started:%H:%M} (Europe/Berlin)" in german


def test_counts_carry_the_languages_thousands_separator(client, admin_user):
    # Kept as a walk keeps it (sealed): the page believes no verification written past the app.
    walk = audit.verification_record(audit.Verification(checked=60_031, seconds=0.01, head_seq=60_031,
                                                        head_link="a" * 64))
    # 60,029 records are slow to make: the count the page keeps for this verification stands in for them.
    cache.set(f"history:audit-covered:{walk.pk}", 60_029)
    client.force_login(admin_user)

    assert "60,029 meeting records checked" in audit_line(client)
    assert "2 logged erasures" in audit_line(client)
    assert "60.029" in audit_line(client, HTTP_ACCEPT_LANGUAGE="de")


def test_verify_now_runs_on_the_worker_and_the_page_follows_it(client, admin_user, lena, run_due_tasks,
                                                              final_record):  # noqa: F811
    final_record(user=lena)
    final_record(user=lena)
    client.force_login(admin_user)
    assert "has not been verified yet" in audit_line(client)

    response = client.post(reverse("audit_verify"))
    assert response.status_code == 302
    again = client.post(reverse("audit_verify"))  # a second press follows the same walk
    result_id = client.session["audit_verify_task"]
    waiting = client.get(reverse("history_all")).content.decode()
    status = client.get(reverse("audit_verify_status", args=[result_id])).json()

    assert again.status_code == 302 and client.session["audit_verify_task"] == result_id
    assert f'data-audit-verify="{reverse("audit_verify_status", args=[result_id])}"' in waiting
    assert status["status"] == "READY" and not status["finished"]
    assert not AuditVerification.objects.exists()

    run_due_tasks()
    done = client.get(reverse("audit_verify_status", args=[result_id])).json()
    line = audit_line(client)

    assert done["finished"] and done["status"] == "SUCCESSFUL"
    assert "the chain holds, 2 meeting records checked" in line
    assert AuditVerification.objects.first().checked == 2  # the newest (the worker may run its daily one too)


def test_reps_cannot_verify_nor_follow(client, lena):
    client.force_login(lena)
    result = tasks.audit_verify_now.enqueue()

    assert client.post(reverse("audit_verify")).status_code == 403
    assert client.get(reverse("audit_verify_status", args=[str(result.id)])).status_code == 403


def test_an_unknown_walk_is_a_404(client, admin_user):
    client.force_login(admin_user)

    assert client.get(reverse("audit_verify_status", args=["not-a-uuid"])).status_code == 404
    assert client.get(reverse("audit_verify_status", args=["8f5b7a52-3c1e-4e7f-9a7e-2a1d0c9b1f00"])).status_code == 404
    assert timezone.now()  # the page's clock is the real one: no literal future dates here
