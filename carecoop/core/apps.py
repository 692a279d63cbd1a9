from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "carecoop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from carecoop.core.models import Counter, Submission, Upload
        from carecoop.core.permissions import reach

        # Form tokens are read by no page; only the roles that see the whole cooperative could.
        reach(Submission)
        reach(Counter, personal=False)
        reach(Upload)  # a register's file holds people: the whole-cooperative roles only

        # Each app's tables of the texts it ships as data (``<app>/shipped.py``, core.shipped).
        autodiscover_modules("shipped")
