"""HubSpot's error bodies: the REST shape (category, correlationId) and the OAuth shape (RFC 6749)."""

from __future__ import annotations

import json
import uuid

from werkzeug.wrappers import Response


def correlation_id() -> str:
    return str(uuid.uuid4())


def json_response(body, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def api_error(
    status: int,
    category: str,
    message: str,
    *,
    errors: list[dict] | None = None,
    context: dict | None = None,
    links: dict | None = None,
    sub_category: str | None = None,
    extra: dict | None = None,
) -> Response:
    cid = correlation_id()
    body: dict = {"status": "error", "message": message, "correlationId": cid, "category": category}
    if sub_category:
        body["subCategory"] = sub_category
    if errors:
        body["errors"] = errors
    if context:
        body["context"] = context
    if links:
        body["links"] = links
    body.update(extra or {})
    return json_response(body, status, {"X-HubSpot-Correlation-Id": cid})


def field_error(message: str, *, code: str, location: str, property_name: str | None = None) -> dict:
    error = {"message": message, "code": code, "in": location}
    if property_name:
        error["context"] = {"propertyName": [property_name]}
    return error


def validation_error(errors: list[dict], message: str | None = None) -> Response:
    summary = message or "; ".join(e["message"] for e in errors)
    return api_error(400, "VALIDATION_ERROR", summary, errors=errors)


def oauth_error(error: str, description: str, *, status: str = "", http_status: int = 400) -> Response:
    return json_response(
        {"error": error, "error_description": description, "status": status or error.upper(), "message": description},
        http_status,
    )
