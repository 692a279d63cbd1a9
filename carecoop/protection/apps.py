from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "carecoop.protection"
    label = "protection"
    verbose_name = _("Social protection")

    def ready(self) -> None:
        from carecoop.protection import permissions  # noqa: F401
