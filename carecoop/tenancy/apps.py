from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "carecoop.tenancy"
    label = "tenancy"
    verbose_name = _("Cooperatives and federations")

    def ready(self) -> None:
        from carecoop.tenancy import permissions  # noqa: F401
