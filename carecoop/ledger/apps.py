from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "carecoop.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        from carecoop.ledger import permissions  # noqa: F401
