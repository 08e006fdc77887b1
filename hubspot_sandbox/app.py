"""Routing and the rules every HubSpot API call passes: faults, latency, authentication, scopes, rate limits."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time
from datetime import UTC, datetime

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from hubspot_sandbox import api, contract, oauth
from hubspot_sandbox.errors import api_error
from hubspot_sandbox.state import Fault, Grant, State

logger = logging.getLogger("hubspot_sandbox")

# Each API route: (path template, methods, handler name, kind of call for rate limiting).
API_ROUTES = [
    ("/crm/owners/<version>", ["GET"], "owners", "api"),
    ("/crm/owners/<version>/<owner_id>", ["GET"], "owner", "api"),
    ("/crm/objects/<version>/<object_type>/search", ["POST"], "search", "search"),
    ("/crm/objects/<version>/<object_type>/batch/read", ["POST"], "batch_read", "api"),
    ("/crm/objects/<version>/meetings/<meeting_id>", ["GET"], "get_meeting", "api"),
    ("/crm/objects/<version>/0-47/<meeting_id>", ["GET"], "get_meeting", "api"),
    ("/crm/objects/<version>/<object_type>/<record_id>", ["GET"], "get_record", "api"),
    ("/crm/properties/<version>/meetings/<name>", ["GET"], "meeting_property", "api"),
    ("/crm/associations/<version>/<from_type>/<to_type>/labels", ["GET"], "labels", "exempt"),
    ("/account-info/<version>/details", ["GET"], "account_details", "api"),
    ("/files/<version>/files", ["POST"], "upload_file", "api"),
    ("/scheduler/<version>/meetings/calendar", ["POST"], "create_meeting", "api"),
]
# The legacy v3 paths put the version elsewhere; older SDKs still call them.
LEGACY_ROUTES = [
    ("/crm/v3/owners", ["GET"], "owners", "api"),
    ("/crm/v3/owners/<owner_id>", ["GET"], "owner", "api"),
    ("/crm/v3/objects/<object_type>/search", ["POST"], "search", "search"),
    ("/crm/v3/objects/meetings/<meeting_id>", ["GET"], "get_meeting", "api"),
    ("/crm/v3/properties/meetings/<name>", ["GET"], "meeting_property", "api"),
]
# HubSpot's supported dated versions, each served from its own specs (specs/*-<version>.json), and the legacy v3.
DATED_VERSIONS = ("2026-09", "2026-03")
VERSIONS = {*DATED_VERSIONS, "v3"}


def _canonical(path: str, version: str) -> str:
    """The spec's path for a call made on a legacy (/v3/) or aliased (deals, 0-47) path of `version`.

    Legacy v3 calls are read as 2026-03, the version that still lists them.
    """
    if version == "v3":
        for old, new in (("/crm/v3/owners", "/crm/owners/2026-03"), ("/crm/v3/objects/", "/crm/objects/2026-03/"),
                         ("/crm/v3/properties/", "/crm/properties/2026-03/")):
            path = path.replace(old, new, 1)
        return _canonical(path, "2026-03")
    # 2026-03 names each object type's paths (deals by id, meetings by name); 2026-09 takes any of them.
    for alias, name in (("deals", "0-3"), ("0-47", "meetings"), ("0-1", "contacts"), ("0-2", "companies"),
                        ("0-5", "tickets")):
        path = path.replace(f"/objects/{version}/{alias}/", f"/objects/{version}/{name}/")
    return path


class Sandbox:
    def __init__(self, state: State) -> None:
        self.state = state
        rules = [Rule(path, methods=methods, endpoint=("api", name, kind)) for path, methods, name, kind in API_ROUTES]
        rules += [Rule(path, methods=methods, endpoint=("api", name, kind), defaults={"version": "v3"})
                  for path, methods, name, kind in LEGACY_ROUTES]
        rules += [
            Rule("/oauth/authorize", methods=["GET"], endpoint=("oauth", "authorize")),
            Rule("/oauth/<portal_id>/authorize", methods=["GET"], endpoint=("oauth", "authorize")),
            Rule("/oauth/authorize/decision", methods=["POST"], endpoint=("oauth", "decide")),
            *(Rule(f"/oauth/{version}/token{tail}", methods=["POST"], endpoint=("oauth", name))
              for version in DATED_VERSIONS
              for tail, name in (("", "token"), ("/introspect", "introspect"), ("/revoke", "revoke"))),
            Rule("/oauth/v3/token", methods=["POST"], endpoint=("oauth", "token")),
            Rule("/oauth/v1/token", methods=["POST"], endpoint=("oauth", "token")),
            Rule("/oauth/v1/access-tokens/<token>", methods=["GET"], endpoint=("oauth", "v1_access")),
            Rule("/oauth/v1/refresh-tokens/<token>", methods=["GET", "DELETE"], endpoint=("oauth", "v1_refresh")),
            Rule("/contacts/<hub_id>/record/0-47/<meeting_id>", methods=["GET"], endpoint=("page", "meeting")),
            Rule("/contacts/<hub_id>/objects/0-47/views/all/list", methods=["GET"], endpoint=("page", "meetings")),
            Rule("/", methods=["GET"], endpoint=("page", "index")),
            Rule("/__sandbox__/<action>", methods=["GET", "POST"], endpoint=("control", None)),
            Rule("/__sandbox__/users/<int:user_id>/deactivate", methods=["POST"], endpoint=("control", "deactivate")),
            Rule("/__sandbox__/tokens/expire", methods=["POST"], endpoint=("control", "expire")),
        ]
        self.routes = Map(rules, strict_slashes=False, merge_slashes=False)

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except HTTPException as error:
            response = api_error(error.code or 500, "OBJECT_NOT_FOUND" if error.code == 404 else "ERROR",
                                 error.description or "error")
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        try:
            endpoint, args = self.routes.bind_to_environ(request.environ).match()
        except NotFound:
            return api_error(404, "OBJECT_NOT_FOUND", f"No route for {request.method} {request.path}")
        area, name = endpoint[0], endpoint[1]
        if area == "control":
            return self.control(request, name or args.get("action", ""), args)
        started = time.monotonic()
        request.get_data()  # read the whole request first: a dropped connection then happens after it was sent
        fault = self.state.take_fault(request.method, request.path)
        if fault and fault.mode in ("status", "timeout", "drop"):
            response = None if fault.mode == "drop" else self.fail(request, fault)
        else:
            if self.state.config.latency_ms:
                time.sleep(self.state.config.latency_ms / 1000)
            if area == "oauth":
                response = self.oauth(request, name, args)
            elif area == "page":
                response = self.page(request, name, args)
            else:
                response = self.api(request, endpoint[1], endpoint[2], args)
            if fault:  # process_then_status / process_then_drop: the work is done, the answer is lost
                response = None if fault.mode == "process_then_drop" else self.fail(request, fault)
        self.record(request, response, started)
        if response is None:
            return self.drop(request)
        return response

    # --- faults ---------------------------------------------------------------------------

    def drop(self, request: Request) -> Response:
        """Close the connection without an answer (the request was read in full)."""
        sock = request.environ.get("werkzeug.socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        return Response(status=500)  # never reaches the client

    def fail(self, request: Request, fault: Fault) -> Response:
        if fault.mode == "timeout":
            time.sleep(fault.seconds)
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        status = fault.status if fault.mode != "timeout" else 504
        if fault.html:
            # What a load balancer or proxy in front of HubSpot answers: HTML, whatever the status.
            return Response(f"<html><body><h1>{status} Bad Gateway</h1></body></html>", status=status,
                            headers=headers, mimetype="text/html")
        if status == 429:
            retry_after = 1 if fault.retry_after is None else fault.retry_after
            # Search has its own per-second budget, outside the ten-secondly one (API notes §5).
            policy = "SECONDLY" if request.path.endswith("/search") else "TEN_SECONDLY_ROLLING"
            return self.rate_limited(policy=policy, retry_after=retry_after)
        response = api_error(status, "INTERNAL_ERROR" if status >= 500 else "VALIDATION_ERROR",
                             f"Injected fault: HTTP {status}")
        response.headers.update(headers)
        return response

    # --- OAuth and pages ----------------------------------------------------------------------

    def oauth(self, request: Request, name: str, args: dict) -> Response:
        if name == "authorize":
            return oauth.authorize(self.state, request, args.get("portal_id"))
        if name == "decide":
            return oauth.decide(self.state, request)
        if name == "token":
            return oauth.token(self.state, request)
        if name == "introspect":
            return oauth.introspect(self.state, request)
        if name == "revoke":
            return oauth.revoke(self.state, request)
        if name == "v1_access":
            return oauth.v1_access_token(self.state, args["token"])
        return oauth.v1_refresh_token(self.state, args["token"], request.method)

    def page(self, request: Request, name: str, args: dict) -> Response:
        if name == "meeting":
            return api.meeting_page(self.state, request, args["hub_id"], args["meeting_id"])
        if name == "meetings":
            hub = int(args["hub_id"]) if args["hub_id"].isdigit() else 0
            items = "".join(
                f"<li><a href='/contacts/{hub}/record/0-47/{mid}'>{m['properties']['hs_meeting_title']}</a></li>"
                for mid, m in self.state.meetings.get(hub, {}).items()
            )
            return Response(f"<!doctype html><title>Meetings</title><h1>Meetings</h1><ul>{items}</ul>",
                            mimetype="text/html")
        return Response("<!doctype html><title>HubSpot sandbox</title><h1>HubSpot sandbox</h1>"
                        "<p>See <code>python -m hubspot_sandbox --help</code>.</p>", mimetype="text/html")

    # --- the REST API ---------------------------------------------------------------------------

    def api(self, request: Request, handler_name: str, kind: str, args: dict) -> Response:
        version = args.pop("version")
        if version not in VERSIONS:
            return api_error(404, "OBJECT_NOT_FOUND", f"Unknown API version {version}")
        op = contract.operation(request.method, _canonical(request.path, version))
        if op is None:  # a version without this operation (2026-09 has no file upload): HubSpot has no such route
            return api_error(404, "OBJECT_NOT_FOUND", f"No operation {request.method} {request.path} in {version}")
        request.spec_operation = op  # the handlers validate against this version's schema
        grant, problem = self.authenticate(request)
        if problem:
            return problem
        if op.scopes and not op.scopes & set(grant.scopes):
            return api_error(
                403, "MISSING_SCOPES",
                "This app hasn't been granted all required scopes to make this call. Read more about required "
                "scopes here: https://developers.hubspot.com/scopes.",
                errors=[{"message": "One or more of the following scopes are required.",
                         "context": {"requiredGranularScopes": sorted(op.scopes)}}],
                links={"scopes": "https://developers.hubspot.com/scopes"},
            )
        if "object_type" in args:
            kind_name = api.KIND_ALIASES.get(args.pop("object_type"))
            if kind_name is None:
                return api_error(400, "VALIDATION_ERROR", "Unknown object type")
            args["kind"] = kind_name
        headers = {}
        config = self.state.config
        if kind == "search":
            allowed, _ = self.state.spend(self.state.searches, grant.hub_id, config.search_per_second, 1.0)
            if not allowed:
                return self.rate_limited(policy="SECONDLY", retry_after=1)
        elif kind == "api":
            allowed, remaining = self.state.spend(self.state.calls, grant.hub_id, config.rate_max,
                                                  config.rate_interval_ms / 1000)
            if not allowed:
                retry_after = max(1, config.rate_interval_ms // 4000)
                return self.rate_limited(policy="TEN_SECONDLY_ROLLING", retry_after=retry_after)
            headers = {"X-HubSpot-RateLimit-Max": str(config.rate_max),
                       "X-HubSpot-RateLimit-Remaining": str(remaining),
                       "X-HubSpot-RateLimit-Interval-Milliseconds": str(config.rate_interval_ms)}
        portal = self.state.portals[grant.hub_id]
        response = getattr(api, handler_name)(self.state, request, portal, grant, **args)
        response.headers.update(headers)
        response.headers.setdefault("X-HubSpot-Correlation-Id", _correlation(response))
        return response

    def authenticate(self, request: Request) -> tuple[Grant | None, Response | None]:
        header = request.headers.get("Authorization", "")
        value = header[7:].strip() if header.lower().startswith("bearer ") else ""
        with self.state.lock:
            stored = self.state.access_tokens.get(value)
            user = self.state.users.get(stored.grant.user_id) if stored else None
        if stored is None or not user.active:
            return None, api_error(
                401, "INVALID_AUTHENTICATION",
                "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find "
                "more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            )
        left = stored.expires_at - time.time()
        if left <= 0:
            expired_at = datetime.fromtimestamp(stored.expires_at, UTC).isoformat(timespec="milliseconds")
            return None, api_error(
                401, "EXPIRED_AUTHENTICATION",
                f"The OAuth token used to make this call expired {int(-left) + 1} second(s) ago.",
                context={"expire time": [expired_at.replace("+00:00", "Z")]},
            )
        return stored.grant, None

    def rate_limited(self, *, policy: str, retry_after: int) -> Response:
        config = self.state.config
        response = api_error(
            429, "RATE_LIMITS", f"You have reached your {policy.lower()} limit.",
            extra={"errorType": "RATE_LIMIT", "policyName": policy},
        )
        response.headers.update({
            "Retry-After": str(retry_after),
            "X-HubSpot-RateLimit-Max": str(config.rate_max if policy != "SECONDLY" else config.search_per_second),
            "X-HubSpot-RateLimit-Remaining": "0",
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(config.rate_interval_ms if policy != "SECONDLY" else 1000),
        })
        return response

    # --- bookkeeping and control ---------------------------------------------------------------

    def record(self, request: Request, response: Response | None, started: float) -> None:
        """Log the call before answering, so a test that sees the answer (or the drop) also sees the entry."""
        entry = {
            "method": request.method, "path": request.path,
            "query": "" if "/oauth/v1/" in request.path else request.query_string.decode(),
            "status": response.status_code if response is not None else None,  # None: connection dropped
            "ms": int((time.monotonic() - started) * 1000), "at": time.time(),
        }
        if "/oauth/v1/access-tokens/" in request.path or "/oauth/v1/refresh-tokens/" in request.path:
            entry["path"] = request.path.rsplit("/", 1)[0] + "/…"
        if request.path.endswith("/search"):
            # What was asked (filters, properties, paging), for tests that check a search's shape; never a token.
            entry["json"] = _json_or_none(request)
        if request.path.endswith("/token") and request.form.get("grant_type"):
            entry["grant_type"] = request.form["grant_type"]
        with self.state.lock:
            self.state.log.append(entry)
        logger.info("%s %s -> %s", request.method, entry["path"], entry["status"] or "dropped")

    def control(self, request: Request, action: str, args: dict) -> Response:
        from hubspot_sandbox import control

        return control.handle(self.state, request, action, args)


def _correlation(response: Response) -> str:
    try:
        body = json.loads(response.get_data(as_text=True) or "{}")
    except ValueError:
        return ""
    return body.get("correlationId", "") if isinstance(body, dict) else ""


def _json_or_none(request: Request):
    try:
        return json.loads(request.get_data(as_text=True) or "null")
    except (ValueError, RecursionError):  # not JSON, or arrays nested thousands deep: the handler said so already
        return None
