"""The OAuth2 adapter (allauth's, with HubSpot's hosts from settings) and the app's own sign-in views."""

from __future__ import annotations

from allauth.socialaccount.providers.hubspot.views import HubspotOAuth2Adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hubspot_api import oauth
from hubspot_api.errors import HubSpotAuthRequired, HubSpotUnavailable
from hubspot_login.services import hubspot_connection_disconnect, hubspot_owner_find


class HubSpotOAuth2Adapter(HubspotOAuth2Adapter):
    """allauth's adapter hard-codes HubSpot's hosts and the v1 API (switched off 2027-02-16).

    This one reads the hosts from settings at call time — so the same code signs in
    against HubSpot, the sandbox or another emulator — and uses the dated token endpoints of HUBSPOT_API_VERSION.
    """

    @property
    def authorize_url(self) -> str:
        return f"{settings.HUBSPOT_APP_BASE}/oauth/authorize"

    @property
    def access_token_url(self) -> str:
        return f"{settings.HUBSPOT_API_BASE}{oauth.token_path()}"

    def complete_login(self, request: HttpRequest, app, token, **kwargs):
        # Introspection POSTs the token in a form body, keeping it out of URLs and logs.
        try:
            identity = oauth.introspect(token.token)
        except (HubSpotAuthRequired, HubSpotUnavailable) as error:
            raise OAuth2Error(str(error)) from None
        identity["scopes"] = identity.get("scopes") or (kwargs.get("response") or {}).get("scopes") or []
        identity.update(hubspot_owner_find(
            access_token=token.token, user_id=int(identity["user_id"]), email=identity.get("user") or "",
        ))
        return self.get_provider().sociallogin_from_response(request, identity)


oauth2_login = OAuth2LoginView.adapter_view(HubSpotOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(HubSpotOAuth2Adapter)


def not_offered(request: HttpRequest) -> HttpResponse:
    raise Http404


@login_required
@require_POST
def disconnect(request: HttpRequest) -> HttpResponse:
    if hubspot_connection_disconnect(user=request.user):
        messages.success(request, _("HubSpot is disconnected: the app's access was revoked and its tokens deleted."))
    else:
        messages.warning(request, _(
            "HubSpot is disconnected here: the app's tokens are deleted. HubSpot could not confirm the revocation; "
            "to be sure, remove the app under Connected apps in your HubSpot settings."
        ))
    return redirect("home")
