from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "carecoop.privacy"
    label = "privacy"
    verbose_name = _("Personal data: who viewed it, access and erasure")

    def ready(self) -> None:
        from carecoop.privacy import permissions  # noqa: F401
