"""The rate windows without Redis: per portal and kind, in this process's memory, empty again after a setting changes."""

import pytest

from hubspot_api.budget import PortalBudget


@pytest.fixture
def two_calls_per_window(settings):
    settings.REDIS_URL = ""
    settings.HUBSPOT_CALLS_PER_TEN_SECONDS = 2
    settings.HUBSPOT_SEARCHES_PER_SECOND = 1
    return settings


def test_a_full_window_says_when_it_frees_and_leaves_other_portals_and_searches_alone(two_calls_per_window):
    portal = PortalBudget(4711)

    assert [portal.take(search=False), portal.take(search=False)] == [0.0, 0.0]
    assert 10 < portal.take(search=False) <= 10.25  # the first call leaves the window 10 s (+ jitter) after it
    assert 10 < portal.take(search=False) <= 10.25  # asking took nothing
    assert portal.take(search=True) == 0.0
    assert PortalBudget(4712).take(search=False) == 0.0


def test_a_changed_hubspot_setting_starts_the_windows_empty(two_calls_per_window):
    portal = PortalBudget(4711)
    portal.take(search=False)
    portal.take(search=False)

    two_calls_per_window.HUBSPOT_API_BASE = "http://localhost:1"  # as a test pointing the app at a sandbox

    assert portal.take(search=False) == 0.0
