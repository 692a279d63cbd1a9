from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "carecoop.care"
    label = "care"
    verbose_name = _("Care centres")

    def ready(self) -> None:
        from carecoop.care import permissions  # noqa: F401
