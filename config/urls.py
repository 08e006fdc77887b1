from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import set_language

from config.health import healthz
from hubspot_login.urls import app_urlpatterns

urlpatterns = [
    # Plain HTTP is let through to it (SECURE_REDIRECT_EXEMPT): a load balancer's probe.
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the icon instead of a 404
    # (its hashed name is looked up per request: at import, collectstatic may not have run yet).
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.svg"))),
    path("admin/", admin.site.urls),
    # Ours first: it takes over allauth's account-linking page (see hubspot_login/urls.py).
    path("accounts/", include(app_urlpatterns)),
    path("accounts/", include("allauth.urls")),
    path("", include("meetings.urls")),
]
