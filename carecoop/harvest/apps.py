from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HarvestConfig(AppConfig):
    name = "carecoop.harvest"
    label = "harvest"
    verbose_name = _("Other installations' directories")
