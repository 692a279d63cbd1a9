from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language_bidi

from carecoop.core.languages import shipped_languages


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
            "surveys": access.can("surveys.view"),
            "protection": access.can("protection.view"),
            "protection_counts": access.can("protection.indicators"),
            "federations": access.can("federation.sharing"),
            "publish": access.can("directory.view"),
        }
        if access is not None and access.org.is_cooperative
        else {},
        "LANGUAGE_BIDI": get_language_bidi(),
        "SHIPPED_LANGUAGES": shipped_languages(),
    }
