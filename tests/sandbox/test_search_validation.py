"""CRM search with a malformed body: HubSpot's 400 VALIDATION_ERROR for every object type, never a 500.

The bodies put a wrong type at every level of the spec's `PublicObjectSearchRequest`; the session checks each
answer against the spec's error schema as well.
"""

from __future__ import annotations

import json

import pytest

from hubspot_sandbox.app import DATED_VERSIONS
from tests.sandbox.conftest import ALL_SCOPES, LENA, CheckedSession

KINDS = ["contacts", "companies", "deals", "tickets", "meetings"]
FILTER = {"propertyName": "hs_object_id", "operator": "EQ", "value": "1"}
# One value of each JSON type; each field is tried with every type it must not have.
TYPES = {"object": {}, "array": [], "integer": 7, "number": 1.5, "boolean": True, "null": None, "string": "x"}


def wrong(*allowed: str) -> list:
    return [value for name, value in TYPES.items() if name not in allowed]


def with_filter(**changes) -> dict:
    flt = {**FILTER, **changes}
    return {"filterGroups": [{"filters": [{k: v for k, v in flt.items() if v is not MISSING}]}]}


MISSING = object()

MALFORMED = [
    *({"filterGroups": v} for v in wrong("array")),
    *({"filterGroups": [v]} for v in wrong("object")),
    {"filterGroups": [{}]},
    *({"filterGroups": [{"filters": v}]} for v in wrong("array")),
    *({"filterGroups": [{"filters": [v]}]} for v in wrong("object")),
    *(with_filter(operator=v) for v in [*wrong("string"), "LIKE", "eq", ""]),
    with_filter(operator=MISSING),
    *(with_filter(propertyName=v) for v in wrong("string")),
    with_filter(propertyName=MISSING),
    *(with_filter(value=v) for v in wrong("string")),
    *(with_filter(operator="BETWEEN", highValue=v) for v in wrong("string")),
    *(with_filter(operator="IN", value=MISSING, values=v) for v in [*wrong("array"), [1], [None], [{}], [[]]]),
    *({"sorts": v} for v in wrong("array")),
    *({"sorts": [v]} for v in wrong("string", "object")),
    {"sorts": [{}]},
    {"sorts": [{"propertyName": 1}]},
    {"sorts": [{"propertyName": "createdate", "direction": "UP"}]},
    {"sorts": [{"propertyName": "createdate", "direction": None}]},
    *({"properties": v} for v in wrong("array")),
    *({"properties": [v]} for v in wrong("string")),
    *({"query": v} for v in wrong("string")),
    {"query": "x" * 3001},
    *({"limit": v} for v in [*wrong("integer"), "10", 0, -1, 201, 10**30, 10.0]),
    *({"after": v} for v in [*wrong("string"), 10, "abc", "-1", "1.5", " 1", "²", "١٠", "9" * 5000,
                             "99999999999999999999"]),
    {"after": "9990", "limit": 20},
    {"filterGroups": [{"filters": [FILTER] * 7}]},
    {"filterGroups": [{"filters": [FILTER]}] * 6},
]
RAW = [
    b"not json", b"{", b'{"limit": 10,}', b"[]", b"[{}]", b'"search"', b"42", b"true", b"null",
    b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000, b'{"limit": ' + b"9" * 5000 + b"}", b"NaN",
    b'{"limit": NaN}', b'{"limit": Infinity}',
]
# Odd but well-formed: these must keep working.
WELL_FORMED = [
    {},
    {"filterGroups": []},
    {"filterGroups": [{"filters": []}]},
    {"sorts": ["createdate"]},
    {"sorts": [{"propertyName": "createdate", "direction": "DESCENDING"}]},
    {"sorts": [{"propertyName": "createdate"}]},
    {"properties": []},
    {"query": "", "after": "0", "limit": 200},
    {"after": "0010"},
    {"after": ""},
    with_filter(operator="IN", value=MISSING, values=["1", "2"]),
    with_filter(operator="BETWEEN", value="1", highValue="9"),
    with_filter(operator="HAS_PROPERTY", value=MISSING),
    with_filter(propertyName="createdate", operator="GT", value="not a date"),
    with_filter(propertyName="no_such_property", operator="LT", value="5"),
    {"somethingElse": 1},
]


def _id(value) -> str:
    return json.dumps(value, default=lambda _: "…")[:60] if not isinstance(value, bytes) else repr(value[:30])


@pytest.fixture(scope="module", params=DATED_VERSIONS)
def search(sandbox_server, request):
    """One token and session per version for the whole module: some 800 searches, each reading nothing another
    one changed."""
    sandbox_server.reset()
    sandbox_server.configure(search_rate_limit=1_000_000)
    token = sandbox_server.issue_token(LENA, scopes=ALL_SCOPES)["access_token"]
    session = CheckedSession(sandbox_server.url, request.param)
    session.headers["Authorization"] = f"Bearer {token}"

    def post(kind: str, **kwargs):
        return session.post(f"/crm/objects/{session.version}/{kind}/search", **kwargs)

    yield post
    session.close()
    sandbox_server.reset()


def assert_hubspot_400(response) -> None:
    assert response.status_code == 400, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json")  # so the session checked its schema
    body = response.json()
    assert body["status"] == "error" and body["category"] == "VALIDATION_ERROR"
    assert body["correlationId"] == response.headers["X-HubSpot-Correlation-Id"]
    assert body["errors"] and all({"message", "code", "in"} <= set(e) for e in body["errors"])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("payload", MALFORMED, ids=_id)
def test_a_malformed_search_is_a_validation_error(search, kind, payload):
    assert_hubspot_400(search(kind, json=payload))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("raw", RAW, ids=_id)
def test_a_search_body_that_is_no_json_object_is_a_validation_error(search, kind, raw):
    assert_hubspot_400(search(kind, data=raw, headers={"Content-Type": "application/json"}))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("payload", WELL_FORMED, ids=_id)
def test_an_odd_but_well_formed_search_still_answers(search, kind, payload):
    response = search(kind, json=payload)

    assert response.status_code == 200, response.text[:500]


def test_the_errors_say_where(search):
    response = search("meetings", json=with_filter(operator={}))

    assert {e["in"] for e in response.json()["errors"]} == {"filterGroups[0].filters[0].operator"}
