from functools import cache
from typing import Any

from babel import Locale
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_bidi, to_locale


@cache
def shipped_languages() -> list[tuple[str, str]]:
    """Each shipped language named in itself (babel knows every one; Django's table lacks some)."""
    names = []
    for code, _name in settings.LANGUAGES:
        locale = Locale.parse(to_locale(code))
        names.append((code, str(locale.get_display_name(locale)).capitalize()))
    return names


def carecoop(request: HttpRequest) -> dict[str, Any]:
    access = getattr(request, "access", None)
    return {
        "access": access,
        "nav": {
            "members": access.can("members.list"),
            "centres": access.can("care.view_centres"),
            "staff": access.can("staffing.view"),
            "capital": access.can("capital.view"),
            "governance": access.can("governance.view"),
            "billing": access.can("billing.view"),
            "statements": access.can("billing.manage"),
            "my_fees": access.can("billing.view_own"),
            "ledger": access.can("ledger.view"),
            "funding": access.can("funding.view"),
        }
        if access is not None and access.org.is_cooperative
        else {},
        "LANGUAGE_BIDI": get_language_bidi(),
        "SHIPPED_LANGUAGES": shipped_languages(),
    }
