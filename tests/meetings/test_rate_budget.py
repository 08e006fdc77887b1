"""HubSpot's per-portal limits are kept by the app itself, across processes: it never causes an avoidable 429."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
import redis
from django.urls import reverse

from hubspot_api.budget import PortalBudget
from hubspot_api.client import HubSpotClient, StaticToken
from hubspot_api.errors import HubSpotRateBudgetSpent
from tests.api_version import API_VERSION
from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
SEARCH = f"/crm/objects/{API_VERSION}/contacts/search"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


@pytest.mark.django_db
def test_pickers_stay_under_the_search_limit_and_say_so(rep_client, sandbox, settings):
    settings.HUBSPOT_SEARCHES_PER_SECOND = 2
    answers = [rep_client.get(reverse("picker_search", args=["contacts"]), {"q": q}) for q in ("Mü", "Sc", "Ha")]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "keep typing" in answers[2].json()["error"]
    assert len(sandbox.requests(path=SEARCH)) == 2  # the third was never sent


@pytest.mark.django_db
def test_a_full_window_waits_or_fails_unsent_never_at_hubspot(sandbox, demo, settings):
    settings.HUBSPOT_CALLS_PER_TEN_SECONDS = 2
    token = sandbox.issue_token(demo["users"][0]["user_id"], scopes=["oauth", "crm.objects.owners.read"])
    budget = PortalBudget(token["hub_id"])
    client = HubSpotClient(tokens=StaticToken(token["access_token"]), rate_budget=budget, patient=False)
    client.list_owners()
    client.list_owners()

    with pytest.raises(HubSpotRateBudgetSpent):
        client.list_owners()
    assert 9 < budget.take(search=False) <= 10.25  # the window frees when the first call is 10 s old (+ jitter)
    assert len(sandbox.requests(path=f"/crm/owners/{API_VERSION}")) == 2


HAMMER = textwrap.dedent("""
    import json, sys, threading, django
    django.setup()
    from hubspot_api.budget import PortalBudget
    from hubspot_api.client import HubSpotClient, StaticToken
    from hubspot_api.errors import HubSpotError

    errors = []
    def work(n):
        client = HubSpotClient(tokens=StaticToken({token!r}), rate_budget=PortalBudget({hub_id}),
                               retry_budget_seconds=30)
        for i in range(n):
            try:
                client.search("contacts", "a") if i % 2 else client.list_owners()
            except HubSpotError as error:
                errors.append(repr(error))
    threads = [threading.Thread(target=work, args=(8,)) for _ in range(3)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print(json.dumps(errors))
""")


def test_two_processes_together_stay_inside_hubspots_windows(sandbox, demo):
    """Two processes, three threads each, 24 searches and 24 other calls between them, against limits of
    4 searches/s and 20 calls/10 s (HubSpot's 5 and 110, scaled down so the test takes seconds)."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        skip_or_fail(f"Needs Redis at {REDIS_URL}", "REQUIRE_REDIS")
    sandbox.configure(search_rate_limit=5, rate_limit={"max": 22, "interval_ms": 10000})
    token = sandbox.issue_token(demo["users"][0]["user_id"],
                                scopes=["oauth", "crm.objects.owners.read", "crm.objects.contacts.read"])
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "REDIS_URL": REDIS_URL,
           "HUBSPOT_API_BASE": sandbox.url, "HUBSPOT_SEARCHES_PER_SECOND": "4",
           "HUBSPOT_CALLS_PER_TEN_SECONDS": "20", "HUBSPOT_BUDGET_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    script = HAMMER.format(token=token["access_token"], hub_id=token["hub_id"])
    before = len(sandbox.requests())

    processes = [subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE)
                 for _ in range(2)]
    errors = [json.loads(p.communicate(timeout=60)[0]) for p in processes]

    log = [c for c in sandbox.requests()[before:] if c["path"] in (SEARCH, f"/crm/owners/{API_VERSION}")]
    searches = sorted(c["at"] for c in log if c["path"] == SEARCH)
    calls = sorted(c["at"] for c in log if c["path"] != SEARCH)
    assert errors == [[], []]
    assert len(searches) == len(calls) == 24 and all(c["status"] == 200 for c in log)  # no 429 at all
    assert max(sum(1 for t in searches if s <= t < s + 1) for s in searches) <= 5
    assert max(sum(1 for t in calls if s <= t < s + 10) for s in calls) <= 22
