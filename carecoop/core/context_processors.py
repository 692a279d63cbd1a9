from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_bidi


def carecoop(request: HttpRequest) -> dict[str, Any]:
    return {
        "access": getattr(request, "access", None),
        "LANGUAGE_BIDI": get_language_bidi(),
        "SHIPPED_LANGUAGES": settings.LANGUAGES,
    }
