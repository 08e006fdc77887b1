"""One list of scopes, written three times: the docs' table (docs/hubspot-app.md, "Scopes", linked from the
README), the settings the sign-in asks with, and the HubSpot app's `app-hsmeta.json`. They stay identical, and
each scope the table names is one the spec of its endpoints accepts — on both API versions."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from hubspot_api.versions import SUPPORTED
from hubspot_sandbox.contract import operation

ROOT = Path(__file__).resolve().parents[2]
APP = json.loads((ROOT / "hubspot-app" / "src" / "app" / "app-hsmeta.json").read_text(encoding="utf-8"))
SAME_AS_SEARCH = "the same read scope as that kind's search"


def table_rows() -> list[tuple[str, str]]:
    text = (ROOT / "docs" / "hubspot-app.md").read_text(encoding="utf-8")
    section = text.split("## Scopes", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| `") or line.startswith("| (")]
    return [(cells[0], cells[1]) for cells in rows]


def scopes_in(cell: str) -> set[str]:
    """The scopes a cell names (`none: …` names none)."""
    return set() if cell.startswith("none") else set(re.findall(r"`([^`\s/]+)`", cell))


def endpoints_in(cell: str, version: str) -> list[tuple[str, str]]:
    """Each `METHOD /path` the cell names, at `version`, with `{a,b}` spelled out and ids filled in."""
    found = []
    for method, template in re.findall(r"`(GET|POST) (/[^`]+)`", cell):
        template = template.replace("{v}", version)
        for name in ("id", "name"):
            template = template.replace("{" + name + "}", "123" if name == "id" else "hs_meeting_outcome")
        choices = [group.split(",") for group in re.findall(r"\{([^}]+)\}", template)]
        for picked in itertools.product(*choices):
            path = template
            for value in picked:
                path = re.sub(r"\{[^}]+\}", value, path, count=1)
            found.append((method, path))
    return found


def test_the_table_the_settings_and_the_app_ask_for_the_same_scopes():
    in_table = set().union(*(scopes_in(scope) for _, scope in table_rows()))
    optional = {name for _, scope in table_rows() if "optional" in scope for name in scopes_in(scope)}

    assert set(settings.HUBSPOT_SCOPES) == set(APP["config"]["auth"]["requiredScopes"]) == in_table - optional
    assert set(settings.HUBSPOT_OPTIONAL_SCOPES) == set(APP["config"]["auth"]["optionalScopes"]) == optional == {
        "files"}


@pytest.mark.parametrize("version", SUPPORTED)
def test_each_scope_in_the_table_is_one_its_endpoints_accept(version):
    search_scope = {}
    checked = 0
    rows = table_rows()
    for endpoints, scope in rows:  # the searches first: other rows refer to their scopes
        for method, path in endpoints_in(endpoints, version):
            if path.endswith("/search") and len(scopes_in(scope)) == 1:
                search_scope[path.split("/")[4]] = next(iter(scopes_in(scope)))
    for endpoints, scope in rows:
        for method, path in endpoints_in(endpoints, version):
            op = operation(method, path)
            assert op is not None, f"no {version} spec describes {method} {path}"
            if scope.startswith("none"):
                wanted = set()
                assert op.scopes == wanted, (method, path)
            else:
                wanted = {search_scope[path.split("/")[4]]} if SAME_AS_SEARCH in scope else scopes_in(scope)
                assert wanted and wanted <= op.scopes, (method, path, wanted)
            checked += 1

    assert checked >= 28  # every row was read (28 endpoints when written), none skipped


def test_the_check_can_fail():
    """A scope the spec does not accept for an endpoint is caught (the companies search is not a tickets call)."""
    assert "tickets" not in operation("POST", "/crm/objects/2026-09/companies/search").scopes
    assert "crm.objects.companies.read" in operation("POST", "/crm/objects/2026-09/companies/search").scopes
