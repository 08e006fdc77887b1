"""The control API for tests and demos (`/__sandbox__/…`): reset, faults, latency, config, tokens, request log.

A local development tool: no authentication, never to be exposed beyond localhost.
"""

from __future__ import annotations

import json
import time

from werkzeug.wrappers import Request, Response

from hubspot_sandbox.errors import json_response
from hubspot_sandbox.state import Fault, Grant, State

FAULT_MODES = {"status", "timeout", "drop", "process_then_status", "process_then_drop"}


def _body(request: Request) -> dict:
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _ok() -> Response:
    return json_response({"ok": True})


def _reset(state: State, body: dict, args: dict) -> Response:
    keep = set(state.redirect_uris)
    state.reset()
    state.redirect_uris = keep
    return _ok()


def _add_fault(state: State, body: dict, args: dict) -> Response:
    mode = body.get("mode", "status")
    if mode not in FAULT_MODES or not (body.get("path") or body.get("path_prefix")):
        return json_response({"error": f"mode must be one of {sorted(FAULT_MODES)} and a path is required"}, 400)
    with state.lock:
        state.faults.append(Fault(
            method=body.get("method", "POST").upper(), path=body.get("path") or body["path_prefix"],
            prefix=bool(body.get("path_prefix")), count=int(body.get("count", 1)), mode=mode,
            status=int(body.get("status", 503)), seconds=float(body.get("seconds", 30)),
            retry_after=body.get("retry_after"), html=bool(body.get("html")),
        ))
    return _ok()


def _property_rules(state: State, body: dict, args: dict) -> Response:
    """Admin-configured rules for meeting properties, replacing any set before (`{"rules": []}` clears them).

    Each rule: `property` must have a value, with the admin's `message` (and `error` code, default REQUIRED),
    only when every property in `when` has the value given there (a conditionally required property).
    """
    rules = body.get("rules")
    valid = isinstance(rules, list) and all(
        isinstance(rule, dict) and isinstance(rule.get("property"), str) and isinstance(rule.get("message", ""), str)
        and isinstance(rule.get("when", {}), dict) for rule in rules
    )
    if not valid:
        return json_response({"error": 'rules must be a list of {"property", "message", "error", "when"}'}, 400)
    with state.lock:
        state.property_rules[:] = [
            {"property": r["property"], "message": r.get("message") or f"{r['property']} is required",
             "error": r.get("error") or "REQUIRED", "when": dict(r.get("when") or {})} for r in rules
        ]
    return _ok()


def _latency(state: State, body: dict, args: dict) -> Response:
    state.config.latency_ms = int(body.get("ms", 0))
    return _ok()


def _configure(state: State, body: dict, args: dict) -> Response:
    lag = body.get("search_lag", 0)
    if isinstance(lag, bool) or not isinstance(lag, int | float) or not lag >= 0:
        return json_response({"error": "search_lag must be a number of seconds >= 0"}, 400)
    with state.lock:
        config = state.config
        if "search_lag" in body:
            config.search_lag = float(lag)
        if "token_ttl" in body:
            config.token_ttl = int(body["token_ttl"])
        if "code_ttl" in body:
            config.code_ttl = int(body["code_ttl"])
        limit = body.get("rate_limit") or {}
        config.rate_max = int(limit.get("max", config.rate_max))
        config.rate_interval_ms = int(limit.get("interval_ms", config.rate_interval_ms))
        if "search_rate_limit" in body:
            config.search_per_second = int(body["search_rate_limit"])
        state.redirect_uris.update(body.get("redirect_uris") or [])
    return _ok()


def _issue_tokens(state: State, body: dict, args: dict) -> Response:
    user_id = int(body["user_id"])
    with state.lock:
        hub_id = body.get("hub_id") or next(p.hub_id for p in state.portals.values() if user_id in p.members)
    grant = Grant(user_id=user_id, hub_id=int(hub_id), scopes=tuple(body.get("scopes") or ["oauth"]))
    access, refresh, ttl = state.issue_tokens(grant, body.get("ttl"))
    return json_response({
        "token_type": "bearer", "access_token": access, "refresh_token": refresh, "expires_in": ttl,
        "hub_id": grant.hub_id, "user_id": user_id, "scopes": list(grant.scopes),
    })


def _expire_tokens(state: State, body: dict, args: dict) -> Response:
    with state.lock:
        for stored in state.access_tokens.values():
            stored.expires_at = min(stored.expires_at, time.time() - 1)
    return _ok()


def _deactivate(state: State, body: dict, args: dict) -> Response:
    with state.lock:
        state.users[args["user_id"]].active = False
    return _ok()


def _requests(state: State, body: dict, args: dict) -> Response:
    with state.lock:
        return json_response({"requests": list(state.log)})


def _meetings(state: State, body: dict, args: dict) -> Response:
    with state.lock:
        return json_response({"meetings": {str(hub): meetings for hub, meetings in state.meetings.items()}})


ACTIONS = {
    "health": lambda state, body, args: _ok(),
    "reset": _reset,
    "latency": _latency,
    "property-rules": _property_rules,
    "config": _configure,
    "tokens": _issue_tokens,
    "expire": _expire_tokens,
    "deactivate": _deactivate,
    "requests": _requests,
    "meetings": _meetings,
    "demo": lambda state, body, args: json_response(demo_summary(state)),
}


def handle(state: State, request: Request, action: str, args: dict) -> Response:
    if action == "faults" and request.method == "POST":
        return _add_fault(state, _body(request), args)
    if action not in ACTIONS:
        return json_response({"error": f"unknown control action {action!r}"}, 404)
    return ACTIONS[action](state, _body(request), args)


def demo_summary(state: State) -> dict:
    with state.lock:
        users = []
        for portal in state.portals.values():
            for user_id in portal.members:
                user = state.users[user_id]
                owner = portal.owner_for_user(user_id)
                users.append({
                    "user_id": user.user_id, "email": user.email, "name": user.name, "active": user.active,
                    "hub_id": portal.hub_id, "hub_domain": portal.domain, "portal": portal.name,
                    "owner_id": owner.id if owner else None,
                })
        main = next(iter(state.portals.values()))
        return {
            "client_id": "sandbox-demo-client-id",
            "portals": [{"hub_id": p.hub_id, "hub_domain": p.domain, "name": p.name} for p in state.portals.values()],
            "users": users,
            "archived_owners": [o.as_json() for p in state.portals.values() for o in p.owners if o.archived],
            **{kind: [{"id": rid, **props} for rid, props in list(records.items())[:25]]
               for kind, records in main.records.items()},
            "counts": {kind: len(records) for kind, records in main.records.items()},
        }
