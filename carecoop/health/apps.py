from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "carecoop.health"
    label = "health"
    verbose_name = _("Growth, vaccinations, meals and referrals")

    def ready(self) -> None:
        from carecoop.health import permissions  # noqa: F401
