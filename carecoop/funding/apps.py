from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "carecoop.funding"
    label = "funding"
    verbose_name = _("Funding and sustainability")

    def ready(self) -> None:
        from carecoop.funding import permissions  # noqa: F401
