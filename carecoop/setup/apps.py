from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SetupConfig(AppConfig):
    name = "carecoop.setup"
    label = "setup"
    verbose_name = _("Setting up a cooperative")

    def ready(self) -> None:
        from carecoop.setup import permissions  # noqa: F401
