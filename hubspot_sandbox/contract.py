"""HubSpot's official OpenAPI specs (copied into `specs/`) as the sandbox's contract.

Used three ways: which scopes a path accepts (its `security` list), whether a
request body matches its schema, and — in tests — whether every response the
sandbox sends matches the response schema for its path, method and status.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from openapi_schema_validator import OAS30Validator

SPEC_DIR = Path(__file__).resolve().parent / "specs"
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    spec_file: str
    template: str
    method: str
    definition: dict

    @property
    def scopes(self) -> frozenset[str]:
        """Any one of these scopes lets a token call the operation (each security entry is an alternative)."""
        found = set()
        for alternative in self.definition.get("security") or []:
            for scopes in alternative.values():
                found.update(scopes)
        return frozenset(found)


@cache
def specs() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(SPEC_DIR.glob("*.json"))}


def _pattern(template: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


@cache
def _operations() -> list[tuple[re.Pattern, Operation]]:
    found = []
    for name, spec in specs().items():
        for template, item in spec["paths"].items():
            for method in METHODS:
                if method in item:
                    found.append((_pattern(template), Operation(name, template, method, item[method])))
    # Literal paths before templated ones: /meetings/search must not match /meetings/{meetingId}.
    found.sort(key=lambda pair: pair[1].template.count("{"))
    return found


# 2026-09 describes every CRM object's paths generically (`/crm/objects/2026-09/{objectType}/…`), so each of
# these files matches; the object type in the path says whose spec (and so whose scopes) applies.
OBJECT_SPECS = {
    "contacts": "crm-contacts", "0-1": "crm-contacts", "companies": "crm-companies", "0-2": "crm-companies",
    "deals": "crm-deals", "0-3": "crm-deals", "tickets": "crm-tickets", "0-5": "crm-tickets",
    "meetings": "crm-meetings", "0-47": "crm-meetings",
}
_OBJECT_PATH = re.compile(r"^/crm/objects/[^/]+/([^/]+)")


def operation(method: str, path: str) -> Operation | None:
    """The spec's operation for a concrete path: a literal template before a templated one."""
    method = method.lower()
    found = [op for pattern, op in _operations() if op.method == method and pattern.match(path)]
    if not found:
        return None
    fewest = [op for op in found if op.template.count("{") == found[0].template.count("{")]
    match = _OBJECT_PATH.match(path)
    owner = OBJECT_SPECS.get(match.group(1)) if match else None
    return next((op for op in fewest if owner and op.spec_file.startswith(f"{owner}-")), fewest[0])


def version_of(path: str) -> str | None:
    """The dated version a path names (`/crm/objects/2026-09/…` → `2026-09`), if any."""
    found = re.search(r"/(\d{4}-\d{2})(?:/|$)", path)
    return found.group(1) if found else None


def resolve(node, spec: dict):
    """The schema with every local `$ref` replaced by what it points at."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return resolve(target, spec)
        return {key: resolve(value, spec) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(item, spec) for item in node]
    return node


def request_schema(op: Operation, content_type: str = "application/json") -> dict | None:
    content = (op.definition.get("requestBody") or {}).get("content") or {}
    media = content.get(content_type)
    return resolve(media["schema"], specs()[op.spec_file]) if media else None


def response_schema(op: Operation, status: int) -> dict | None:
    responses = op.definition.get("responses") or {}
    answer = responses.get(str(status)) or responses.get("default")
    if answer is None:
        return None
    media = (answer.get("content") or {}).get("application/json") or (answer.get("content") or {}).get("*/*")
    return resolve(media["schema"], specs()[op.spec_file]) if media and "schema" in media else None


@dataclass(frozen=True)
class SchemaError:
    location: str  # dotted path in HubSpot's `in` style, e.g. properties.hs_meeting_title
    message: str
    code: str


def _location(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def schema_errors(schema: dict, value) -> list[SchemaError]:
    errors = []
    for error in sorted(OAS30Validator(schema).iter_errors(value), key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        code = {"required": "REQUIRED", "enum": "INVALID_OPTION", "type": "INVALID_TYPE",
                "format": "INVALID_FORMAT"}.get(error.validator, "INVALID_VALUE")
        if error.validator == "required":
            missing = re.findall(r"'([^']+)' is a required property", error.message)
            path = [*path, *missing[:1]]
        errors.append(SchemaError(_location(path), error.message, code))
    return errors


# HubSpot's OAuth endpoints answer errors in RFC 6749 shape, which the specs' `Error`
# schema does not describe (API notes §1.4); this is the shape they are checked against.
OAUTH_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "error_description", "status", "message"],
    "properties": {k: {"type": "string"} for k in ("error", "error_description", "status", "message")},
}


def response_errors(method: str, path: str, status: int, body) -> list[str]:
    """Why a response does not match its spec ([] when it does). Paths without a spec raise LookupError."""
    op = operation(method, path)
    if op is None:
        raise LookupError(f"no spec describes {method} {path}")
    schema = OAUTH_ERROR_SCHEMA if path.startswith("/oauth/") and status >= 400 else response_schema(op, status)
    if schema is None:
        declared = op.definition.get("responses") or {}
        return [] if str(status) in declared or "default" in declared else [f"status {status} is not declared"]
    return [f"{e.location or 'body'}: {e.message}" for e in schema_errors(schema, body)]
