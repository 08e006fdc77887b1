"""The form's option sets come from HubSpot once per portal, however many reps open the form at once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from meetings.core import caches as shared_cache
from tests.api_version import API_VERSION

OPTION_PATHS = {
    f"/crm/properties/{API_VERSION}/meetings/hs_meeting_outcome", f"/crm/properties/{API_VERSION}/meetings/hs_activity_type",
    f"/crm/owners/{API_VERSION}", *(f"/crm/associations/{API_VERSION}/meetings/{kind}/labels"
                             for kind in ("contacts", "companies", "deals", "tickets")),
}


@pytest.mark.django_db(transaction=True)
def test_sixteen_cold_form_loads_fetch_each_option_set_once(rep, sandbox):
    sandbox.latency(150)  # HubSpot takes its time: the other fifteen arrive while the first is fetching
    pages = []

    def open_form():
        try:
            client = Client()
            client.force_login(rep)
            pages.append(client.get(reverse("meeting_create")).content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_form) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    fetched = Counter(c["path"] for c in sandbox.requests() if c["path"] in OPTION_PATHS)
    assert fetched == dict.fromkeys(OPTION_PATHS, 1)
    assert len(pages) == 16 and all("Jonas Weiß" in page and "Entscheider" in page for page in pages)


def test_a_value_due_for_refresh_is_refreshed_by_one_caller_while_the_rest_get_the_current_one():
    calls = []
    shared_cache.get_or_fetch("test:value", lambda: "old", 100)
    entry = shared_cache.cache.get("test:value")
    shared_cache.cache.set("test:value", {**entry, "refresh_at": 0}, 100)  # its refresh is due
    shared_cache.cache.add("test:value:lock", 1, 30)  # and another caller is refreshing it right now

    assert shared_cache.get_or_fetch("test:value", lambda: calls.append(1) or "new", 100) == "old"
    assert calls == []
    shared_cache.cache.delete("test:value:lock")
    assert shared_cache.get_or_fetch("test:value", lambda: calls.append(1) or "new", 100) == "new"
    assert calls == [1]


def test_after_a_failed_fetch_the_next_callers_give_up_at_once():
    def failing():
        raise RuntimeError("HubSpot is down")

    with pytest.raises(RuntimeError):
        shared_cache.get_or_fetch("test:down", failing, 100)
    with pytest.raises(shared_cache.NotAvailable):
        shared_cache.get_or_fetch("test:down", failing, 100)


@pytest.mark.django_db
def test_a_warm_form_load_reads_the_cache_and_starts_no_thread(rep_client, sandbox, monkeypatch):
    from meetings.portal import pickers

    rep_client.get(reverse("meeting_create"))  # cold: the sets are fetched (six of them side by side)
    calls = len(sandbox.requests())

    def no_threads(*args, **kwargs):
        raise AssertionError("a warm form load started threads")

    monkeypatch.setattr(pickers, "ThreadPoolExecutor", no_threads)
    page = rep_client.get(reverse("meeting_create")).content.decode()

    assert "Jonas Weiß" in page and len(sandbox.requests()) == calls


@pytest.mark.django_db
def test_a_warm_form_load_reads_all_option_sets_in_one_cache_round_trip(rep, sandbox, monkeypatch):
    from meetings.portal import pickers

    pickers.form_options(rep)  # cold: the sets are fetched and cached
    reads, depth = [], [0]

    def recorded(method, original):
        def call(*args, **kwargs):
            if not depth[0]:  # the local-memory cache's get_many calls get: one call of ours is one entry
                reads.append(method)
            depth[0] += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1
        return call

    for method in ("get", "get_many", "add", "set"):
        monkeypatch.setattr(shared_cache.cache, method, recorded(method, getattr(shared_cache.cache, method)))

    options = pickers.form_options(rep)

    # The caches' generation (an erasure starts a new one), then one MGET for every set: each used to cost two GETs.
    assert reads == ["get", "get_many"]
    assert any(owner.name == "Jonas Weiß" for owner in options.owners) and not options.unavailable
