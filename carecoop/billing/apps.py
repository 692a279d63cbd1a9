from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "carecoop.billing"
    label = "billing"
    verbose_name = _("Fees and billing")

    def ready(self) -> None:
        from carecoop.billing import permissions  # noqa: F401
