"""The REST endpoints, each answering in the shape its spec defines.

Every handler gets the portal the bearer token belongs to; authentication, scopes,
rate limits and faults are handled before it is called (app.py).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from functools import cache
from html import escape
from zoneinfo import ZoneInfo, available_timezones

from werkzeug.wrappers import Request, Response

from hubspot_sandbox import contract
from hubspot_sandbox.data import Portal
from hubspot_sandbox.errors import api_error, field_error, json_response, validation_error
from hubspot_sandbox.state import Grant, State

KIND_ALIASES = {
    "contacts": "contacts", "0-1": "contacts", "contact": "contacts",
    "companies": "companies", "0-2": "companies", "company": "companies",
    "deals": "deals", "0-3": "deals", "deal": "deals",
    "tickets": "tickets", "0-5": "tickets", "ticket": "tickets",
    "meetings": "meetings", "0-47": "meetings", "meeting": "meetings",
}
SEARCHABLE = {
    "contacts": ("firstname", "lastname", "email", "phone", "company"),
    "companies": ("name", "domain", "phone", "website"),
    "deals": ("dealname", "pipeline", "dealstage", "description", "dealtype"),
    "tickets": ("subject", "content", "hs_pipeline_stage", "hs_ticket_category", "hs_ticket_id"),
    "meetings": ("hs_meeting_title", "hs_meeting_body"),
}
DEFAULT_PROPERTIES = {
    "contacts": ("firstname", "lastname", "email", "lastmodifieddate", "hs_object_id", "createdate"),
    "companies": ("name", "domain", "createdate", "hs_lastmodifieddate", "hs_object_id"),
    "deals": ("dealname", "amount", "closedate", "pipeline", "dealstage", "createdate", "hs_lastmodifieddate",
              "hs_object_id"),
    "tickets": ("content", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_category", "hs_ticket_priority", "subject",
                "createdate", "hs_lastmodifieddate", "hs_object_id"),
    "meetings": ("hs_meeting_title", "hs_timestamp", "hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
}
# HUBSPOT_DEFINED meeting → object association types (API notes §4).
MEETING_TYPE_IDS = {200: "contacts", 188: "companies", 212: "deals", 226: "tickets"}
DATETIME_PROPERTIES = {"hs_timestamp", "hs_meeting_start_time", "hs_meeting_end_time", "createdate", "closedate",
                       "hs_createdate", "hs_lastmodifieddate", "lastmodifieddate"}


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_json(request: Request):
    try:
        return json.loads(request.get_data(as_text=True) or "null"), None
    except (ValueError, RecursionError):  # RecursionError: arrays nested some thousand levels deep
        return None, validation_error(
            [field_error("Invalid input JSON: the body could not be parsed.", code="INVALID_JSON", location="body")]
        )


# --- owners (specs/crm-owners-<version>.json) --------------------------------------------------


def owners(state: State, request: Request, portal: Portal, grant: Grant) -> Response:
    archived = request.args.get("archived", "false").lower() == "true"
    email = request.args.get("email")
    found = [o for o in portal.owners if o.archived == archived and (not email or o.email.lower() == email.lower())]
    limit = request.args.get("limit", "100")
    after = request.args.get("after", "0")
    if not limit.isdigit() or not after.isdigit():
        return validation_error([field_error("limit and after must be integers", code="INVALID_INTEGER",
                                             location="query")])
    start, size = int(after), max(1, int(limit))
    body: dict = {"results": [o.as_json() for o in found[start:start + size]]}
    if start + size < len(found):
        body["paging"] = {"next": {"after": str(start + size), "link": f"?after={start + size}"}}
    return json_response(body)


def owner(state: State, request: Request, portal: Portal, grant: Grant, owner_id: str) -> Response:
    by_user = request.args.get("idProperty", "id") == "userId"
    archived = request.args.get("archived", "false").lower() == "true"
    for candidate in portal.owners:
        key = str(candidate.user_id) if by_user else candidate.id
        if key == owner_id and candidate.archived == archived:
            return json_response(candidate.as_json())
    return api_error(404, "OBJECT_NOT_FOUND", f"Owner {owner_id} does not exist")


# --- search (specs/crm-{contacts,companies,deals,tickets,meetings}-<version>.json) --------------


def _epoch_ms(value: str) -> float | None:
    if value is None:
        return None
    if value.lstrip("-").isdigit():
        return float(value)
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000
    except ValueError:
        return None


def _compare(name: str, stored, wanted) -> tuple | None:
    if stored is None or wanted is None:
        return None
    if name in DATETIME_PROPERTIES:
        a, b = _epoch_ms(stored), _epoch_ms(wanted)
        return (a, b) if a is not None and b is not None else None
    try:
        return float(stored), float(wanted)
    except ValueError:
        return str(stored).casefold(), str(wanted).casefold()


def _matches(props: dict, flt: dict) -> bool:
    name, op = flt.get("propertyName", ""), flt.get("operator", "EQ")
    value = props.get(name)
    if op == "HAS_PROPERTY":
        return value not in (None, "")
    if op == "NOT_HAS_PROPERTY":
        return value in (None, "")
    if op in ("IN", "NOT_IN"):
        inside = str(value).casefold() in {str(v).casefold() for v in flt.get("values") or []}
        return inside if op == "IN" else not inside
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        token = str(flt.get("value", "")).casefold().replace("*", "")
        inside = value is not None and token in str(value).casefold()
        return inside if op == "CONTAINS_TOKEN" else not inside
    if op == "BETWEEN":
        low, high = _compare(name, value, flt.get("value")), _compare(name, value, flt.get("highValue"))
        return bool(low and high and low[1] <= low[0] <= high[1])
    pair = _compare(name, value, flt.get("value"))
    if op == "NEQ":
        return pair is None or pair[0] != pair[1]
    if pair is None:
        return False
    a, b = pair
    return {"EQ": a == b, "LT": a < b, "LTE": a <= b, "GT": a > b, "GTE": a >= b}[op]


def _records(state: State, portal: Portal, kind: str) -> dict[str, dict]:
    if kind == "meetings":  # only those indexed yet: search lags behind creates, reading by id does not
        with state.lock:
            return {mid: m["properties"] for mid, m in state.meetings[portal.hub_id].items()
                    if state.is_indexed(portal.hub_id, mid)}
    return portal.records[kind]


SORT_OBJECT = {"type": "object", "required": ["propertyName"], "properties": {
    "propertyName": {"type": "string"}, "direction": {"type": "string", "enum": ["ASCENDING", "DESCENDING"]}}}


@cache
def _search_schema(spec_file: str, template: str) -> dict:
    """The spec's PublicObjectSearchRequest, loosened where HubSpot's docs differ from it (API notes §5).

    Every key is optional (the docs call an empty body a valid search), and a sort may be the docs'
    `{"propertyName", "direction"}` object as well as the spec's string.
    """
    op = contract.Operation(spec_file, template, "post", contract.specs()[spec_file]["paths"][template]["post"])
    schema = copy.deepcopy(contract.request_schema(op))
    schema.pop("required", None)
    schema["properties"]["sorts"]["items"] = {"anyOf": [{"type": "string"}, SORT_OBJECT]}
    return schema


def _offset(after: str) -> int | None:
    """The offset an `after` cursor holds; None unless it is ASCII digits (int() also takes '²' and '١٠')."""
    if not (after.isascii() and after.isdigit()):
        return None
    digits = after.lstrip("0") or "0"
    # Past 10,000 the exact value no longer matters, and int() refuses strings of over 4,300 digits.
    return int(digits) if len(digits) <= 6 else 10**6


def _search_errors(op: contract.Operation, body) -> list[dict]:
    """What makes a search body invalid: first its shape against the spec, then HubSpot's documented limits."""
    if not isinstance(body, dict):
        return [field_error("The body must be a JSON object.", code="INVALID_TYPE", location="body")]
    shape = contract.schema_errors(_search_schema(op.spec_file, op.template), body)
    if shape:
        return [field_error(e.message, code=e.code, location=e.location or "body") for e in shape]
    groups = body.get("filterGroups") or []
    problems = []  # (where, what)
    if len(groups) > 5:
        problems.append(("filterGroups", "at most 5 filterGroups are allowed"))
    if any(len(g["filters"]) > 6 for g in groups):
        problems.append(("filterGroups", "at most 6 filters per group are allowed"))
    if sum(len(g["filters"]) for g in groups) > 18:
        problems.append(("filterGroups", "at most 18 filters in total are allowed"))
    limit = body.get("limit", 10)
    if not 1 <= limit <= 200:
        problems.append(("limit", "limit must be between 1 and 200"))
    offset = _offset(body.get("after") or "0")
    if offset is None:
        problems.append(("after", "after must be an integer offset"))
    elif offset + limit > 10_000:
        problems.append(("after", "paging beyond 10,000 results is not supported"))
    if len(body.get("query") or "") > 3000:
        problems.append(("query", "query must be at most 3000 characters"))
    return [field_error(what, code="INVALID_SEARCH", location=where) for where, what in problems]


def search(state: State, request: Request, portal: Portal, grant: Grant, kind: str) -> Response:
    body, error = _parse_json(request)
    if error:
        return error
    if not request.get_data():  # no body at all is an empty search; a JSON `null` is not an object
        body = {}
    errors = _search_errors(request.spec_operation, body)
    if errors:
        return validation_error(errors, "Invalid input: the search request is not valid. "
                                + "; ".join(e["message"] for e in errors))
    groups = body.get("filterGroups") or []
    limit = body.get("limit", 10)
    query = body.get("query") or ""

    records = _records(state, portal, kind)
    terms = query.casefold().split()
    hits = []
    for record_id, props in records.items():
        if terms:
            text = " ".join(str(props.get(name) or "") for name in SEARCHABLE[kind]).casefold()
            if not all(term in text for term in terms):
                continue
        if groups and not any(all(_matches(props, f) for f in g.get("filters") or []) for g in groups):
            continue
        hits.append((record_id, props))
    for sort in (body.get("sorts") or [])[:1]:
        name, descending = (sort, False) if isinstance(sort, str) else (
            sort.get("propertyName", ""), sort.get("direction") == "DESCENDING")
        name = name.lstrip("-") if isinstance(sort, str) else name
        hits.sort(key=lambda hit: str(hit[1].get(name) or "").casefold(), reverse=descending)
    wanted = body.get("properties") or DEFAULT_PROPERTIES[kind]
    start = _offset(body.get("after") or "0")
    page = hits[start:start + limit]
    response: dict = {"total": len(hits), "results": [_simple_object(rid, props, wanted) for rid, props in page]}
    if start + limit < len(hits):
        response["paging"] = {"next": {"after": str(start + limit)}}
    return json_response(response)


def batch_read(state: State, request: Request, portal: Portal, grant: Grant, kind: str) -> Response:
    """Records by id, as stored now (reading by id does not lag as search does). Unknown ids: a 207 naming them."""
    body, error = _parse_json(request)
    if error:
        return error
    if not isinstance(body, dict) or not isinstance(body.get("inputs"), list) or len(body["inputs"]) > 100:
        return validation_error([{"message": "inputs must be a list of at most 100 {id} objects",
                                  "in": "inputs"}])
    started = now_iso()
    if kind == "meetings":  # every meeting made, indexed for search or not
        with state.lock:
            records = {mid: m["properties"] for mid, m in state.meetings[portal.hub_id].items()}
    else:
        records = portal.records[kind]
    wanted = body.get("properties") or DEFAULT_PROPERTIES[kind]
    ids = [str(item.get("id", "")) if isinstance(item, dict) else "" for item in body["inputs"]]
    found = [_simple_object(i, records[i], wanted) for i in dict.fromkeys(ids) if i in records]
    missing = [i for i in dict.fromkeys(ids) if i not in records]
    answer: dict = {"status": "COMPLETE", "results": found, "startedAt": started, "completedAt": now_iso()}
    if not missing:
        return json_response(answer)
    answer |= {"numErrors": 1, "errors": [{
        "status": "error", "category": "OBJECT_NOT_FOUND", "message": "Could not get some objects, they may be "
        "deleted or not exist. Check that ids are valid.", "context": {"ids": missing}, "errors": [], "links": {},
    }]}
    return json_response(answer, status=207)


def _simple_object(record_id: str, props: dict, wanted) -> dict:
    return {
        "id": record_id,
        "properties": {name: _as_crm_string(props.get(name)) for name in wanted},
        "createdAt": props.get("createdate") or props.get("hs_createdate") or now_iso(),
        "updatedAt": props.get("hs_lastmodifieddate") or props.get("lastmodifieddate") or now_iso(),
        "archived": False,
    }


def _as_crm_string(value):
    if value is None:
        return None
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- properties and labels ---------------------------------------------------------------------


def meeting_property(state: State, request: Request, portal: Portal, grant: Grant, name: str) -> Response:
    from hubspot_sandbox.data import ACTIVITY_TYPES, OUTCOMES

    definitions = {
        "hs_meeting_outcome": ("Meeting outcome", [
            {"label": label, "value": value, "displayOrder": order, "hidden": False} for value, label, order in OUTCOMES
        ]),
        "hs_activity_type": ("Activity type", [
            {"label": label, "value": value, "displayOrder": order, "hidden": hidden}
            for value, label, order, hidden in ACTIVITY_TYPES
        ]),
    }
    if name not in definitions:
        return api_error(404, "OBJECT_NOT_FOUND", f"Unable to find property {name} for object type meetings")
    label, options = definitions[name]
    return json_response({
        "name": name, "label": label, "type": "enumeration", "fieldType": "select", "groupName": "engagement",
        "description": "", "options": options, "displayOrder": -1, "hidden": False, "hubspotDefined": True,
        "calculated": False, "externalOptions": False, "formField": False, "hasUniqueValue": False,
        "createdAt": "2019-08-06T02:41:52.000Z", "updatedAt": "2019-08-06T02:41:52.000Z", "archived": False,
        "modificationMetadata": {"archivable": False, "readOnlyDefinition": True, "readOnlyValue": False,
                                 "readOnlyOptions": False},
    })


def labels(state: State, request: Request, portal: Portal, grant: Grant, from_type: str, to_type: str) -> Response:
    if KIND_ALIASES.get(from_type) != "meetings" or KIND_ALIASES.get(to_type) not in portal.labels:
        return api_error(400, "VALIDATION_ERROR", f"Unknown object type pair {from_type} → {to_type}")
    return json_response({"results": portal.labels[KIND_ALIASES[to_type]]})


def account_details(state: State, request: Request, portal: Portal, grant: Grant) -> Response:
    return json_response({
        "portalId": portal.hub_id, "accountType": "STANDARD", "timeZone": "Europe/Berlin",
        "companyCurrency": "EUR", "additionalCurrencies": [], "utcOffset": "+01:00", "utcOffsetMilliseconds": 3600000,
        "uiDomain": "app.hubspot.com", "dataHostingLocation": "eu1",
    })


# --- files (specs/files-2026-03.json; 2026-09 has no upload) -------------------------------------------------------


def upload_file(state: State, request: Request, portal: Portal, grant: Grant) -> Response:
    upload = request.files.get("file")
    errors = []
    if upload is None:
        errors.append(field_error("file is required", code="REQUIRED", location="file"))
    if bool(request.form.get("folderId")) == bool(request.form.get("folderPath")):
        errors.append(field_error("Exactly one of folderId or folderPath is required", code="REQUIRED",
                                  location="folderPath"))
    try:
        options = json.loads(request.form.get("options") or "{}")
    except ValueError:
        options = None
    access_values = {"PUBLIC_INDEXABLE", "PUBLIC_NOT_INDEXABLE", "PRIVATE", "SENSITIVE", "HIDDEN_INDEXABLE",
                     "HIDDEN_NOT_INDEXABLE", "HIDDEN_PRIVATE", "HIDDEN_SENSITIVE"}
    if not isinstance(options, dict) or options.get("access") not in access_values:
        errors.append(field_error("options.access is required and must be one of " + ", ".join(sorted(access_values)),
                                  code="INVALID_OPTION", location="options"))
    if errors:
        return validation_error(errors)
    content = upload.read()
    file_id = state.new_id(60_600_000_000)
    name = request.form.get("fileName") or upload.filename or f"file-{file_id}"
    stem, _, extension = name.rpartition(".")
    stored = {
        "id": file_id, "name": stem or name, "extension": extension if stem else "", "size": len(content),
        "type": "DOCUMENT", "access": options["access"], "createdAt": now_iso(), "updatedAt": now_iso(),
        "archived": False, "parentFolderId": "1", "path": f"{request.form.get('folderPath') or ''}/{name}",
        "isUsableInContent": True, "encoding": "binary",
        "url": f"{request.host_url.rstrip('/')}/files/{file_id}", "defaultHostingUrl": "",
    }
    with state.lock:
        state.files[portal.hub_id][file_id] = stored
    return json_response(stored, 201, {"Location": f"{request.host_url.rstrip('/')}{request.path}/{file_id}"})


# --- scheduler (specs/scheduler-meetings-<version>.json) ---------------------------------------


def _is_iso_with_offset(value) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.tzinfo is not None


def create_meeting(state: State, request: Request, portal: Portal, grant: Grant) -> Response:
    body, error = _parse_json(request)
    if error:
        return error
    schema = contract.request_schema(request.spec_operation)
    errors = [
        field_error(e.message, code=e.code, location=e.location, property_name=e.location.rsplit(".", 1)[-1]
                    if e.location.startswith("properties.") else None)
        for e in contract.schema_errors(schema, body)
    ]
    if errors:
        return validation_error(errors, "Invalid input: the request does not match the schema. "
                                + "; ".join(e["message"] for e in errors))
    properties = body["properties"]
    known = set(schema["properties"]["properties"]["properties"])
    unknown = [name for name in properties if name not in known]
    if unknown:
        return validation_error(
            [field_error(f'Property "{name}" does not exist', code="PROPERTY_DOESNT_EXIST",
                         location=f"properties.{name}", property_name=name) for name in unknown],
            "Property values were not valid: " + json.dumps(
                [{"isValid": False, "message": f'Property "{n}" does not exist', "error": "PROPERTY_DOESNT_EXIST",
                  "name": n} for n in unknown]),
        )
    broken = _broken_property_rules(state, request, properties)
    if broken:
        return _property_values_not_valid(broken)
    errors = _business_errors(state, request, portal, body)
    if errors:
        return validation_error(errors)
    return json_response(_store_meeting(state, portal, body))


# The first version that enforces the portal admin's property rules on API writes ("CRM API write
# validation enforcement"); 2026-03 writes pass them by, as they did before.
RULES_ENFORCED_FROM = "2026-09"


def _broken_property_rules(state: State, request: Request, properties: dict) -> list[dict]:
    if (contract.version_of(request.path) or "") < RULES_ENFORCED_FROM:
        return []
    with state.lock:
        rules = list(state.property_rules)
    return [
        rule for rule in rules
        if all(str(properties.get(name, "")) == str(value) for name, value in rule["when"].items())
        and properties.get(rule["property"]) in (None, "", [])
    ]


def _property_values_not_valid(broken: list[dict]) -> Response:
    """HubSpot's answer to values an admin's rule refuses: the rules broken as JSON inside `message`, no `errors`.

    The shape of HubSpot's changelog ("Property Validations Rules will be enforced for APIs and Integrations").
    """
    found = [{"isValid": False, "message": rule["message"], "error": rule["error"], "name": rule["property"]}
             for rule in broken]
    return api_error(400, "VALIDATION_ERROR", "Property values were not valid: " + json.dumps(found))


def _business_errors(state: State, request: Request, portal: Portal, body: dict) -> list[dict]:
    """HubSpot's rules beyond the schema, each check a function of its own, in HubSpot's order."""
    return [
        *_organizer_errors(state, request, portal),
        *_option_and_owner_errors(state, portal, body["properties"]),
        *_time_errors(body),
        *_association_errors(portal, body["associations"]),
    ]


def _organizer_errors(state: State, request: Request, portal: Portal) -> list[dict]:
    organizer = request.args.get("organizerUserId", "")
    if not organizer:
        return [field_error("organizerUserId is required", code="REQUIRED", location="organizerUserId")]
    if not organizer.isdigit() or int(organizer) not in portal.members or not state.users[int(organizer)].active:
        return [field_error(f"organizerUserId {organizer} is not an active user of portal {portal.hub_id}",
                            code="INVALID_USER", location="organizerUserId")]
    return []


def _option_and_owner_errors(state: State, portal: Portal, properties: dict) -> list[dict]:
    from hubspot_sandbox.data import ACTIVITY_TYPES, OUTCOMES

    errors = []
    # Enumeration properties take one of the portal's option values (case-sensitive).
    for name, options in (("hs_meeting_outcome", [o[0] for o in OUTCOMES]),
                          ("hs_activity_type", [a[0] for a in ACTIVITY_TYPES])):
        if name in properties and properties[name] not in options:
            errors.append(field_error(f"{properties[name]!r} was not one of the allowed options: {options}",
                                      code="INVALID_OPTION", location=f"properties.{name}", property_name=name))
    active_owner_ids = {o.id for o in portal.owners if not o.archived}
    owner_id = properties["hubspot_owner_id"]
    if owner_id not in active_owner_ids:
        hint = " (this is a user id, not an owner id)" if owner_id.isdigit() and int(owner_id) in state.users else ""
        errors.append(field_error(f"{owner_id} is not a valid owner id{hint}", code="INVALID_OWNER_ID",
                                  location="properties.hubspot_owner_id", property_name="hubspot_owner_id"))
    for index, attendee in enumerate(properties.get("hs_attendee_owner_ids") or []):
        if attendee not in active_owner_ids:
            errors.append(field_error(f"{attendee} is not a valid owner id", code="INVALID_OWNER_ID",
                                      location=f"properties.hs_attendee_owner_ids[{index}]",
                                      property_name="hs_attendee_owner_ids"))
    for index, file_id in enumerate(properties.get("hs_attachment_ids") or []):
        if file_id not in state.files[portal.hub_id]:
            errors.append(field_error(f"File {file_id} does not exist", code="INVALID_FILE_ID",
                                      location=f"properties.hs_attachment_ids[{index}]",
                                      property_name="hs_attachment_ids"))
    return errors


def _time_errors(body: dict) -> list[dict]:
    errors = []
    properties = body["properties"]
    starts = [properties[name] for name in ("hs_meeting_start_time", "hs_meeting_end_time", "hs_timestamp")]
    for name, value in zip(("hs_meeting_start_time", "hs_meeting_end_time", "hs_timestamp"), starts, strict=True):
        if not _is_iso_with_offset(value):
            errors.append(field_error(f"{value!r} is not an ISO 8601 date-time with an offset", code="INVALID_DATE",
                                      location=f"properties.{name}", property_name=name))
    if all(_is_iso_with_offset(v) for v in starts[:2]) and _epoch_ms(starts[1]) <= _epoch_ms(starts[0]):
        errors.append(field_error("hs_meeting_end_time must be after hs_meeting_start_time", code="INVALID_DATE",
                                  location="properties.hs_meeting_end_time", property_name="hs_meeting_end_time"))
    zone = body.get("timezone")
    if zone not in available_timezones():
        errors.append(field_error(f"{zone!r} is not a valid IANA time zone", code="INVALID_TIMEZONE",
                                  location="timezone"))
    return errors


def _association_errors(portal: Portal, associations: list[dict]) -> list[dict]:
    errors = []
    user_defined = {(label["category"], label["typeId"]): kind for kind, entries in portal.labels.items()
                    for label in entries if label["category"] != "HUBSPOT_DEFINED"}
    for index, association in enumerate(associations):
        target = str(association["to"]["id"])
        kinds = set()
        for type_index, spec in enumerate(association["types"]):
            key = (spec["associationCategory"], spec["associationTypeId"])
            kind = MEETING_TYPE_IDS.get(key[1]) if key[0] == "HUBSPOT_DEFINED" else user_defined.get(key)
            if kind is None:
                errors.append(field_error(
                    f"associationTypeId {key[1]} ({key[0]}) is not a valid meeting association type",
                    code="INVALID_ASSOCIATION_TYPE", location=f"associations[{index}].types[{type_index}]"))
            else:
                kinds.add(kind)
        errors.extend(
            field_error(f"No {kind[:-1]} with id {target} exists", code="INVALID_OBJECT_ID",
                        location=f"associations[{index}].to.id")
            for kind in kinds if target not in portal.records[kind]
        )
    return errors


def _store_meeting(state: State, portal: Portal, body: dict) -> dict:
    meeting_id = state.new_id(50_500_000_000)
    stamp = now_iso()
    properties = dict(body["properties"])
    schedule = body["emailReminderSchedule"]
    response_properties = {
        **properties,
        "hs_engagement_source": "INTEGRATION",
        "hs_engagement_source_id": "sandbox",
        "hs_include_description_in_reminder": "true" if schedule["shouldIncludeInviteDescription"] else "false",
        "hs_unique_id": f"sandbox-{meeting_id}",
        "hs_meeting_external_url": "",
    }
    associations = {}
    for association in body["associations"]:
        for spec in association["types"]:
            kind = MEETING_TYPE_IDS.get(spec["associationTypeId"]) if spec["associationCategory"] == "HUBSPOT_DEFINED" \
                else next((k for k, entries in portal.labels.items() for label in entries
                           if label["typeId"] == spec["associationTypeId"]), None)
            if kind:
                associations.setdefault(kind, {}).setdefault(str(association["to"]["id"]), []).append(spec)
    with state.lock:
        state.index_later(portal.hub_id, meeting_id)  # before storing, so no search finds it in between
        state.meetings[portal.hub_id][meeting_id] = {
            "properties": {
                **{k: _as_crm_string(v) for k, v in response_properties.items()},
                "hs_object_id": meeting_id, "hs_createdate": stamp, "hs_lastmodifieddate": stamp,
                "hs_timestamp": _crm_datetime(properties["hs_timestamp"]),
                "hs_meeting_start_time": _crm_datetime(properties["hs_meeting_start_time"]),
                "hs_meeting_end_time": _crm_datetime(properties["hs_meeting_end_time"]),
            },
            "associations": associations,
            "reminders": schedule["reminders"],
            "timezone": body["timezone"],
            "createdAt": stamp,
        }
    return {"id": meeting_id, "createdAt": stamp, "lastUpdatedAt": stamp, "properties": response_properties}


def _crm_datetime(value: str) -> str:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    return parsed.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- read-back (specs/crm-meetings-<version>.json) ---------------------------------------------


def get_meeting(state: State, request: Request, portal: Portal, grant: Grant, meeting_id: str) -> Response:
    stored = state.meetings[portal.hub_id].get(meeting_id)
    if stored is None:
        return api_error(404, "OBJECT_NOT_FOUND", f"Object not found. objectId are usually numeric. ({meeting_id})")
    wanted = [p for p in (request.args.get("properties") or "").split(",") if p] or list(DEFAULT_PROPERTIES["meetings"])
    result = _simple_object(meeting_id, stored["properties"], wanted)
    result["createdAt"] = result["updatedAt"] = stored["createdAt"]
    kinds = [KIND_ALIASES.get(k, k) for k in (request.args.get("associations") or "").split(",") if k]
    if kinds:
        result["associations"] = {
            kind: {"results": [
                {"id": target, "type": "meeting_to_" + kind[:-1]} for target in stored["associations"].get(kind, {})
            ]}
            for kind in kinds if stored["associations"].get(kind)
        }
    return json_response(result)


def get_record(state: State, request: Request, portal: Portal, grant: Grant, kind: str, record_id: str) -> Response:
    """A contact, company, deal or ticket by id, with its meetings when asked (`?associations=meetings`).

    Consistent, as HubSpot's reads by id are: a meeting made a moment ago is associated at once, while
    search finds it only after the lag.
    """
    records = portal.records.get(kind) if kind != "meetings" else None
    if records is None or record_id not in records:
        return api_error(404, "OBJECT_NOT_FOUND", f"Object not found. objectId are usually numeric. ({record_id})")
    wanted = [p for p in (request.args.get("properties") or "").split(",") if p] or list(DEFAULT_PROPERTIES[kind])
    result = _simple_object(record_id, records[record_id], wanted)
    result["createdAt"] = result["updatedAt"] = now_iso()
    if "meetings" in [KIND_ALIASES.get(k, k) for k in (request.args.get("associations") or "").split(",") if k]:
        with state.lock:
            meeting_ids = [mid for mid, m in state.meetings[portal.hub_id].items()
                           if record_id in m["associations"].get(kind, {})]
        if meeting_ids:
            result["associations"] = {"meetings": {"results": [
                {"id": mid, "type": f"{kind[:-1] if kind != 'companies' else 'company'}_to_meeting"}
                for mid in meeting_ids]}}
    return json_response(result)


def meeting_page(state: State, request: Request, hub_id: str, meeting_id: str) -> Response:
    """The sandbox's view of a meeting, at the URL shape HubSpot's app uses."""
    portal = state.portals.get(int(hub_id)) if hub_id.isdigit() else None
    stored = state.meetings.get(portal.hub_id, {}).get(meeting_id) if portal else None
    if stored is None:
        return Response("<h1>Meeting not found</h1>", status=404, mimetype="text/html")
    props = stored["properties"]
    zone = ZoneInfo(stored["timezone"])
    start = datetime.fromisoformat(props["hs_meeting_start_time"].replace("Z", "+00:00")).astimezone(zone)
    rows = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in sorted(props.items()) if v
    )
    links = "".join(
        f"<li>{escape(kind)}: {escape(', '.join(targets))}</li>" for kind, targets in stored["associations"].items()
    )
    html = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(props['hs_meeting_title'])}"
        "</title></head><body><p>HubSpot sandbox — meeting record</p>"
        f"<h1>{escape(props['hs_meeting_title'])}</h1><p>{escape(start.strftime('%Y-%m-%d %H:%M %Z'))} "
        f"({escape(stored['timezone'])})</p><h2>Associations</h2><ul>{links}</ul>"
        f"<h2>Properties</h2><table>{rows}</table></body></html>"
    )
    return Response(html, mimetype="text/html")
