"""Owners, CRM search, property definitions, association labels, account details."""

import pytest

from tests.sandbox.conftest import MAX_ALT


def test_owners_page_with_after(api, auth):
    first = api.get(f"/crm/owners/{api.version}", headers=auth, params={"limit": 2}).json()
    rest = api.get(f"/crm/owners/{api.version}", headers=auth, params={"limit": 2, "after": first["paging"]["next"]["after"]}).json()

    ids = [o["id"] for o in first["results"] + rest["results"]]
    assert len(ids) == 3 and len(set(ids)) == 3 and "paging" not in rest
    assert all(o["id"] != str(o["userId"]) for o in first["results"])  # owner ids are not user ids


def test_owners_filter_by_email_and_hide_archived(api, auth):
    found = api.get(f"/crm/owners/{api.version}", headers=auth, params={"email": "Jonas.Weiss@example.de"}).json()["results"]
    archived = api.get(f"/crm/owners/{api.version}", headers=auth, params={"archived": "true"}).json()["results"]

    assert [o["lastName"] for o in found] == ["Weiß"]
    assert [o["userIdIncludingInactive"] for o in archived] == [MAX_ALT] and "userId" not in archived[0]


def test_owner_by_user_id(api, auth, demo):
    lena = demo["users"][0]

    owner = api.get(f"/crm/owners/{api.version}/{lena['user_id']}", headers=auth, params={"idProperty": "userId"}).json()

    assert owner["id"] == lena["owner_id"]
    assert api.get(f"/crm/owners/{api.version}/999", headers=auth).status_code == 404


def test_search_is_case_insensitive_and_knows_umlauts(api, auth):
    body = api.post(f"/crm/objects/{api.version}/contacts/search", headers=auth, json={"query": "MÜL", "limit": 200}).json()

    assert body["total"] > 0
    assert any(r["properties"]["lastname"] == "Müller" for r in body["results"])


def test_search_pages_and_totals(api, auth):
    first = api.post(f"/crm/objects/{api.version}/contacts/search", headers=auth, json={"limit": 100}).json()
    second = api.post(f"/crm/objects/{api.version}/contacts/search", headers=auth,
                      json={"limit": 100, "after": first["paging"]["next"]["after"]}).json()

    assert first["total"] >= 500 and len(first["results"]) == 100
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


@pytest.mark.parametrize(("kind", "minimum"), [("contacts", 500), ("companies", 100), ("deals", 50), ("0-3", 50),
                                               ("tickets", 30)])
def test_demo_portal_sizes(api, auth, kind, minimum):
    assert api.post(f"/crm/objects/{api.version}/{kind}/search", headers=auth, json={}).json()["total"] >= minimum


def test_filter_groups_and_operators(api, auth):
    def search(filters, groups=None):
        payload = {"filterGroups": groups or [{"filters": filters}], "limit": 200, "properties": ["amount", "dealname"]}
        return api.post(f"/crm/objects/{api.version}/deals/search", headers=auth, json=payload).json()["results"]

    big = search([{"propertyName": "amount", "operator": "GTE", "value": "40000"}])
    between = search([{"propertyName": "amount", "operator": "BETWEEN", "value": "1000", "highValue": "2000"}])
    either = search([], groups=[{"filters": [{"propertyName": "amount", "operator": "LT", "value": "2000"}]},
                                {"filters": [{"propertyName": "amount", "operator": "GT", "value": "45000"}]}])
    token = search([{"propertyName": "dealname", "operator": "CONTAINS_TOKEN", "value": "*Lizenzen*"}])

    assert big and all(float(r["properties"]["amount"]) >= 40000 for r in big)
    assert all(1000 <= float(r["properties"]["amount"]) <= 2000 for r in between)
    assert all(float(r["properties"]["amount"]) < 2000 or float(r["properties"]["amount"]) > 45000 for r in either)
    assert token and all("lizenzen" in r["properties"]["dealname"].lower() for r in token)


@pytest.mark.parametrize("payload", [
    {"limit": 201},
    {"filterGroups": [{"filters": []}] * 6},
    {"filterGroups": [{"filters": [{"propertyName": "a", "operator": "EQ", "value": "1"}] * 7}]},
    {"filterGroups": [{"filters": [{"propertyName": "a", "operator": "LIKE", "value": "1"}]}]},
    {"after": "9990", "limit": 20},
])
def test_search_limits_are_validation_errors(api, auth, payload):
    response = api.post(f"/crm/objects/{api.version}/contacts/search", headers=auth, json=payload)

    assert response.status_code == 400 and response.json()["category"] == "VALIDATION_ERROR"


def test_meeting_outcome_options(api, auth):
    prop = api.get(f"/crm/properties/{api.version}/meetings/hs_meeting_outcome", headers=auth).json()

    assert [o["value"] for o in prop["options"]] == ["SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED"]


def test_activity_types_are_german_with_one_hidden(api, auth):
    options = api.get(f"/crm/properties/{api.version}/meetings/hs_activity_type", headers=auth).json()["options"]

    assert "Erstgespräch" in [o["label"] for o in options]
    assert [o["value"] for o in options if o["hidden"]] == ["Altes Format"]


def test_unknown_property_is_404(api, auth):
    assert api.get(f"/crm/properties/{api.version}/meetings/hs_nope", headers=auth).status_code == 404


@pytest.mark.parametrize(("kind", "type_id"), [("contacts", 200), ("companies", 188), ("deals", 212), ("tickets", 226)])
def test_association_labels(api, auth, kind, type_id):
    results = api.get(f"/crm/associations/{api.version}/meetings/{kind}/labels", headers=auth).json()["results"]

    assert {"category": "HUBSPOT_DEFINED", "typeId": type_id} in results  # the unlabeled default


def test_one_user_defined_label(api, auth):
    results = api.get(f"/crm/associations/{api.version}/meetings/contacts/labels", headers=auth).json()["results"]

    assert {"category": "USER_DEFINED", "typeId": 1001, "label": "Entscheider"} in results


def test_account_details(api, auth):
    assert api.get(f"/account-info/{api.version}/details", headers=auth).json()["timeZone"] == "Europe/Berlin"


def test_legacy_v3_paths_answer_too(api, auth):
    assert api.get("/crm/v3/owners", headers=auth).status_code == 200
    assert api.post("/crm/v3/objects/contacts/search", headers=auth, json={"query": "a"}).status_code == 200
