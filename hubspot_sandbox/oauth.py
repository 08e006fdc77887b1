"""OAuth as HubSpot runs it: the consent page, the token endpoints (2026-09, 2026-03 and v1), introspection, revocation.

Contracts: specs/oauth-2026-09.json, specs/oauth-2026-03.json, specs/oauth-v1.json. Errors use the OAuth
(RFC 6749) shape, not the REST `category` body — as HubSpot's do.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from html import escape
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from hubspot_sandbox import data
from hubspot_sandbox.contract import specs
from hubspot_sandbox.errors import json_response, oauth_error
from hubspot_sandbox.state import AuthCode, Grant, State


def known_scopes() -> frozenset[str]:
    """Every scope some spec names: the demo app may ask for any of them."""
    found = {"oauth"}
    for spec in specs().values():
        for item in spec["paths"].values():
            for op in item.values():
                if isinstance(op, dict):
                    for alternative in op.get("security") or []:
                        for scopes in alternative.values():
                            found.update(scopes)
    return frozenset(found)


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#213343}}
h1{{font-size:1.4rem}} .box{{border:1px solid #cbd6e2;border-radius:8px;padding:1rem;margin:1rem 0}}
label{{display:block;padding:.4rem 0}} button{{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem;border-radius:4px;
border:1px solid #ff7a59;background:#ff7a59;color:#fff;cursor:pointer}} button.secondary{{background:#fff;color:#ff7a59}}
.note{{color:#516f90;font-size:.9rem}} code{{background:#f5f8fa;padding:0 .2rem}}</style></head>
<body><p class="note">HubSpot sandbox — a local stand-in for app.hubspot.com</p>{body}</body></html>"""


def page(title: str, body: str, status: int = 200) -> Response:
    return Response(PAGE.format(title=escape(title), body=body), status=status, mimetype="text/html")


def error_page(message: str) -> Response:
    return page("Authorization error", f"<h1>Authorization error</h1><div class='box'><p>{escape(message)}</p></div>", 400)


def _check_client(state: State, client_id: str, redirect_uri: str) -> str | None:
    if client_id != data.DEMO_CLIENT_ID:
        return f"Unknown client_id {client_id!r}: no app with this id is installed."
    if redirect_uri not in state.redirect_uris:
        return f"The redirect_uri {redirect_uri!r} does not match any redirect URL registered for this app."
    return None


def authorize(state: State, request: Request, portal_id: str | None = None) -> Response:
    args = request.args
    client_id, redirect_uri = args.get("client_id", ""), args.get("redirect_uri", "")
    problem = _check_client(state, client_id, redirect_uri)
    scopes = args.get("scope", "").split()
    if not problem and not scopes:
        problem = "The scope parameter is missing."
    unknown = [s for s in scopes if s not in known_scopes()]
    if not problem and unknown:
        problem = f"Unknown scope(s): {', '.join(unknown)}."
    if problem:
        return error_page(problem)
    optional = [s for s in args.get("optional_scope", "").split() if s in known_scopes()]
    with state.lock:
        memberships = [
            (user, portal) for portal in state.portals.values() for user_id in portal.members
            if (user := state.users[user_id]).active and (portal_id is None or str(portal.hub_id) == portal_id)
        ]
    hidden = "".join(
        f"<input type='hidden' name='{escape(name)}' value='{escape(args.get(name, ''))}'>"
        for name in ("client_id", "redirect_uri", "scope", "optional_scope", "state", "code_challenge",
                     "code_challenge_method")
    )
    choices = "".join(
        f"<label><input type='radio' name='account' value='{user.user_id}:{portal.hub_id}' required"
        f"{' checked' if index == 0 else ''}> {escape(user.name)} — {escape(user.email)} — {escape(portal.name)}"
        f" ({portal.hub_id})</label>"
        for index, (user, portal) in enumerate(memberships)
    )
    scope_list = "".join(f"<li><code>{escape(s)}</code></li>" for s in scopes)
    optional_list = "".join(f"<li><code>{escape(s)}</code> (optional)</li>" for s in optional)
    body = (
        f"<h1>{escape(data.DEMO_APP_NAME)} wants to access your HubSpot account</h1>"
        f"<form method='post' action='/oauth/authorize/decision'>{hidden}"
        f"<fieldset class='box'><legend>Choose an account</legend>{choices}</fieldset>"
        f"<div class='box'><p>Requested scopes:</p><ul>{scope_list}{optional_list}</ul></div>"
        "<button type='submit' name='decision' value='approve'>Approve</button>"
        "<button type='submit' name='decision' value='deny' class='secondary'>Deny</button></form>"
    )
    return page("Connect to HubSpot", body)


def decide(state: State, request: Request) -> Response:
    form = request.form
    client_id, redirect_uri = form.get("client_id", ""), form.get("redirect_uri", "")
    problem = _check_client(state, client_id, redirect_uri)
    if problem:
        return error_page(problem)
    back: dict[str, str] = {}
    if form.get("state"):
        back["state"] = form["state"]
    if form.get("decision") != "approve":
        query = {"error": "access_denied", "error_description": "The user denied access to the app.", **back}
        return Response(status=302, headers={"Location": f"{redirect_uri}?{urlencode(query)}"})
    user_part, _, hub_part = form.get("account", "").partition(":")
    with state.lock:
        portal = state.portals.get(int(hub_part)) if hub_part.isdigit() else None
        user = state.users.get(int(user_part)) if user_part.isdigit() else None
        if not portal or not user or user.user_id not in portal.members or not user.active:
            return error_page("Choose one of the listed accounts.")
    scopes = form.get("scope", "").split()
    optional = [s for s in form.get("optional_scope", "").split() if s in known_scopes() and s not in scopes]
    code = "sbx-code-" + secrets.token_urlsafe(24)
    with state.lock:
        state.codes[code] = AuthCode(
            grant=Grant(user.user_id, portal.hub_id, tuple(scopes + optional), client_id),
            redirect_uri=redirect_uri,
            expires_at=time.time() + state.config.code_ttl,
            challenge=form.get("code_challenge") or None,
            challenge_method=form.get("code_challenge_method") or "plain",
        )
    return Response(status=302, headers={"Location": f"{redirect_uri}?{urlencode({'code': code, **back})}"})


def _pkce_ok(code: AuthCode, verifier: str | None) -> bool:
    if code.challenge is None:
        return True
    if not verifier:
        return False
    if code.challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == code.challenge
    return secrets.compare_digest(verifier, code.challenge)


def token_response(state: State, grant: Grant, access: str, refresh: str, ttl: int) -> dict:
    return {
        "token_type": "bearer", "access_token": access, "refresh_token": refresh, "expires_in": ttl,
        "hub_id": grant.hub_id, "user_id": grant.user_id, "scopes": list(grant.scopes), "token_use": "access_token",
    }


def _client_ok(form) -> bool:
    return form.get("client_id") == data.DEMO_CLIENT_ID and form.get("client_secret") == data.DEMO_CLIENT_SECRET


def token(state: State, request: Request) -> Response:
    form = request.form if request.form else request.args
    if not _client_ok(form):
        return oauth_error("invalid_client", "The client_id or client_secret is invalid.", status="BAD_CLIENT_ID",
                           http_status=401)
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        with state.lock:
            code = state.codes.get(form.get("code", ""))
            if code is None or code.used or code.expires_at < time.time():
                return oauth_error("invalid_grant", "The authorization code is invalid, expired or already used.",
                                   status="BAD_AUTH_CODE")
            code.used = True  # single use, even when the rest of the request is wrong
        if form.get("redirect_uri") != code.redirect_uri:
            return oauth_error("invalid_grant", "redirect_uri does not match the one used to authorize.",
                               status="BAD_REDIRECT_URI")
        if not _pkce_ok(code, form.get("code_verifier")):
            return oauth_error("invalid_grant", "The code_verifier does not match the code_challenge.",
                               status="BAD_AUTH_CODE")
        access, refresh, ttl = state.issue_tokens(code.grant)
        return json_response(token_response(state, code.grant, access, refresh, ttl))
    if grant_type == "refresh_token":
        refresh = form.get("refresh_token", "")
        issued = state.refresh(refresh)
        if issued is None:
            return oauth_error("invalid_grant", "refresh token is invalid, expired or revoked",
                               status="BAD_REFRESH_TOKEN")
        grant = state.refresh_tokens[refresh].grant
        return json_response(token_response(state, grant, issued[0], refresh, issued[1]))
    return oauth_error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported.",
                       status="BAD_GRANT_TYPE")


def _token_info(state: State, token_value: str, *, v1: bool = False) -> dict | None:
    with state.lock:
        access = state.access_tokens.get(token_value)
        refresh = state.refresh_tokens.get(token_value)
        if access is not None:
            grant, left = access.grant, int(access.expires_at - time.time())
            if left <= 0 or not state.users[grant.user_id].active:
                return None
        elif refresh is not None and not refresh.revoked and not v1:
            grant, left = refresh.grant, None
        else:
            return None
        user, portal = state.users[grant.user_id], state.portals[grant.hub_id]
    info = {
        "token": token_value, "user": user.email, "user_id": user.user_id, "hub_id": portal.hub_id,
        "hub_domain": portal.domain, "app_id": data.DEMO_APP_ID, "scopes": list(grant.scopes),
        "is_private_distribution": False,
    }
    if v1:
        info.update(token_type="access", expires_in=left)
        return info
    info.update(active=True, client_id=grant.client_id)
    if left is None:
        info.update(token_use="refresh_token", token_type="Bearer")
    else:
        info.update(
            token_use="access_token", token_type="Bearer", expires_in=left,
            signed_access_token={
                "appId": data.DEMO_APP_ID, "hubId": portal.hub_id, "userId": user.user_id,
                "appInstallId": f"sandbox-{data.DEMO_APP_ID}-{portal.hub_id}", "audience": grant.client_id,
                "expiresAt": int((time.time() + left) * 1000), "scopes": base64.b64encode(
                    " ".join(grant.scopes).encode()).decode(), "hublet": "sandbox", "signature": "sandbox",
                "isUserLevel": True, "installingUserId": user.user_id, "isServiceAccount": False,
                "trialScopes": "", "trialScopeToScopeGroupPks": "", "scopeToScopeGroupPks": "",
                "newSignature": "sandbox", "isPrivateDistribution": False,
            },
        )
    return info


def introspect(state: State, request: Request) -> Response:
    form = request.form
    if not _client_ok(form):
        return oauth_error("invalid_client", "The client_id or client_secret is invalid.", status="BAD_CLIENT_ID",
                           http_status=401)
    hint = form.get("token_type_hint", "")
    value = form.get("token") or form.get(hint) or form.get("access_token") or form.get("refresh_token") or ""
    info = _token_info(state, value)
    if info is None:
        # RFC 7662 would say {"active": false}; HubSpot's spec allows only the token-info shapes or an
        # error, so an unknown, expired or revoked token gets the OAuth error body (API notes §1.5).
        return oauth_error("invalid_token", "The token is invalid, expired or revoked.", status="BAD_TOKEN")
    return json_response(info)


def revoke(state: State, request: Request) -> Response:
    form = request.form
    if not _client_ok(form):
        return oauth_error("invalid_client", "The client_id or client_secret is invalid.", status="BAD_CLIENT_ID",
                           http_status=401)
    with state.lock:
        stored = state.refresh_tokens.get(form.get("token", ""))
        if stored is not None:
            stored.revoked = True
    return json_response({})


def v1_access_token(state: State, token_value: str) -> Response:
    info = _token_info(state, token_value, v1=True)
    if info is None:
        return oauth_error("invalid_token", "The access token is invalid or expired.", status="BAD_ACCESS_TOKEN",
                           http_status=404)
    return json_response(info)


def v1_refresh_token(state: State, token_value: str, method: str) -> Response:
    with state.lock:
        stored = state.refresh_tokens.get(token_value)
        if stored is None or stored.revoked:
            return oauth_error("invalid_token", "The refresh token is invalid.", status="BAD_REFRESH_TOKEN",
                               http_status=404)
        if method == "DELETE":
            stored.revoked = True
            return Response(status=204)
        user, portal = state.users[stored.grant.user_id], state.portals[stored.grant.hub_id]
    return json_response({
        "token": token_value, "user": user.email, "hub_domain": portal.domain, "scopes": list(stored.grant.scopes),
        "hub_id": portal.hub_id, "client_id": stored.grant.client_id, "user_id": user.user_id, "token_type": "refresh",
    })
