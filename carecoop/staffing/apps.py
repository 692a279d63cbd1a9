from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "carecoop.staffing"
    label = "staffing"
    verbose_name = _("Staff and rosters")

    def ready(self) -> None:
        from carecoop.staffing import permissions  # noqa: F401
