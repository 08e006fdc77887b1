from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from meetings import signals  # noqa: F401 - connects the receivers
        from meetings.admin import keep_only_product_models

        # The admin's autodiscover ran in its own ready(), earlier in INSTALLED_APPS: every app has registered.
        keep_only_product_models()
