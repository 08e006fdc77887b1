"""Searching meetings by owners and a time window, as the form's conflict check does; the demo calendars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hubspot_sandbox.__main__ import build_state, parse_args
from tests.clock import hubspot_time
from tests.sandbox.conftest import LENA
from tests.sandbox.test_scheduler import CREATE, START, base_request

SEARCH = "/crm/objects/{version}/meetings/search"  # api.path() fills in the version under test


def book(api, auth, demo, owner_id: str, title: str, start: datetime, minutes: int = 60) -> str:
    body = base_request(demo)
    body["properties"].update(hs_meeting_title=title, hubspot_owner_id=owner_id, hs_timestamp=hubspot_time(start),
                              hs_meeting_start_time=hubspot_time(start),
                              hs_meeting_end_time=hubspot_time(start + timedelta(minutes=minutes)))
    response = api.post(api.path(CREATE), params={"organizerUserId": str(LENA)}, json=body, headers=auth)
    assert response.status_code == 200, response.text
    return response.json()["id"]


def window(owner_ids: list[str], start: datetime, end: datetime, **extra) -> dict:
    return {
        "filterGroups": [{"filters": [
            {"propertyName": "hubspot_owner_id", "operator": "IN", "values": owner_ids},
            {"propertyName": "hs_timestamp", "operator": "LT", "value": str(int(end.timestamp() * 1000))},
            {"propertyName": "hs_meeting_end_time", "operator": "GT", "value": str(int(start.timestamp() * 1000))},
        ]}],
        "properties": ["hs_meeting_title", "hubspot_owner_id", "hs_meeting_end_time"],
        "sorts": [{"propertyName": "hs_timestamp", "direction": "ASCENDING"}],
        **extra,
    }


def owner(demo, email_start: str) -> str:
    return next(u["owner_id"] for u in demo["users"] if u["email"].startswith(email_start))


def test_one_search_finds_the_meetings_of_several_owners_that_overlap_a_window(api, auth, demo):
    lena, jonas, sarah = owner(demo, "lena"), owner(demo, "jonas"), owner(demo, "sarah")
    book(api, auth, demo, lena, "Lena inside", START)
    book(api, auth, demo, jonas, "Jonas across the start", START - timedelta(minutes=30))
    book(api, auth, demo, jonas, "Jonas ends as it starts", START - timedelta(hours=1))
    book(api, auth, demo, lena, "Lena starts as it ends", START + timedelta(hours=1))
    book(api, auth, demo, sarah, "Sarah not asked for", START)

    response = api.post(api.path(SEARCH), headers=auth, json=window([lena, jonas], START, START + timedelta(hours=1)))

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["properties"]["hs_meeting_title"] for r in results] == ["Jonas across the start", "Lena inside"]
    assert results[0]["properties"]["hubspot_owner_id"] == jonas
    assert results[0]["properties"]["hs_meeting_end_time"] == hubspot_time(START + timedelta(minutes=30))


def test_a_window_search_pages_with_after(api, auth, demo):
    lena = owner(demo, "lena")
    for hour in range(3):
        book(api, auth, demo, lena, f"Block {hour}", START + timedelta(hours=hour))
    query = window([lena], START, START + timedelta(hours=3), limit=2)

    first = api.post(api.path(SEARCH), headers=auth, json=query).json()
    second = api.post(api.path(SEARCH), headers=auth, json={**query, "after": first["paging"]["next"]["after"]}).json()

    assert [r["properties"]["hs_meeting_title"] for r in first["results"] + second["results"]] == [
        "Block 0", "Block 1", "Block 2"]
    assert "paging" not in second and first["total"] == 3


def test_demo_meetings_fill_the_next_working_day_and_come_back_on_reset():
    state = build_state(parse_args(["--demo-meetings"]))
    plain = build_state(parse_args([]))
    hub = next(iter(state.portals))
    state.meetings[hub].clear()
    state.reset()

    meetings = list(state.meetings[hub].values())
    berlin = ZoneInfo("Europe/Berlin")
    starts = {m["properties"]["hs_meeting_title"]: datetime.fromisoformat(m["properties"]["hs_timestamp"])
              for m in meetings}
    globex = starts["Quartalsgespräch Globex"].astimezone(berlin)
    assert (globex.hour, globex.minute, globex.weekday() < 5) == (10, 0, True)
    assert globex.date() > datetime.now(UTC).astimezone(berlin).date()
    assert {m["properties"]["hubspot_owner_id"] for m in meetings} == {o.id for o in state.portals[hub].owners
                                                                       if not o.archived}
    assert all(state.is_indexed(hub, mid) for mid in state.meetings[hub])  # search finds them at once
    assert all(not found for found in plain.meetings.values())  # tests start with empty calendars
