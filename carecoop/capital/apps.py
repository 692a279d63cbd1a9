from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapitalConfig(AppConfig):
    name = "carecoop.capital"
    label = "capital"
    verbose_name = _("Share capital")

    def ready(self) -> None:
        from carecoop.capital import permissions  # noqa: F401
