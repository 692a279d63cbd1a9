"""The languages carecoop ships, each named in itself."""

from functools import cache

from babel import Locale
from django.conf import settings
from django.utils.translation import to_locale


@cache
def shipped_languages() -> list[tuple[str, str]]:
    """Each shipped language named in itself, as a choice (code, name): "ગુજરાતી", "Kiswahili".
    A person reads her own language's name whatever the page's language, as in the language
    menu. Babel knows every one; Django's ``LANG_INFO`` lacks Gujarati."""
    names = []
    for code, _name in settings.LANGUAGES:
        locale = Locale.parse(to_locale(code))
        name = str(locale.get_display_name(locale))
        # Capital first letter only: "Português (Brasil)", not "Português (brasil)".
        names.append((code, name[:1].upper() + name[1:]))
    return names
