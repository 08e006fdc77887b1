from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns
from django.urls import path

from hubspot_login import views
from hubspot_login.provider import HubSpotProvider

urlpatterns = default_urlpatterns(HubSpotProvider)

# Mounted by config/urls.py before allauth's own (allauth mounts the provider's login and callback itself).
app_urlpatterns = [
    path("hubspot/disconnect/", views.disconnect, name="hubspot_disconnect"),
    # allauth's page for linking more social accounts: a rep is exactly one HubSpot user.
    path("3rdparty/", views.not_offered),
]
