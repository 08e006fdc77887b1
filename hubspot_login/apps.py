from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubSpotLoginConfig(AppConfig):
    name = "hubspot_login"
    verbose_name = _("Sign in with HubSpot")

    def ready(self) -> None:
        from hubspot_login import signals  # noqa: F401 - connects the sign-in receiver
