from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "carecoop.federation"
    label = "federation"
    verbose_name = _("Federations")

    def ready(self) -> None:
        from carecoop.federation import permissions  # noqa: F401
