from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "carecoop.accounts"
    label = "accounts"
    verbose_name = _("Accounts and sign-in")

    def ready(self) -> None:
        from carecoop.accounts import permissions, signals  # noqa: F401  (rules, receivers)
