"""The names, in the reader's language, of the codes the public pages show."""

from django import template
from django.utils.translation import gettext_lazy as _

from carecoop.care.models import Weekday
from carecoop.tenancy.models import IloType, Service

register = template.Library()

PLACES = {
    "waitlist": _("None free: waitlist"),
    "1-5": _("1 to 5"),
    "6-20": _("6 to 20"),
    "21+": _("more than 20"),
}


@register.filter
def service_name(code: str) -> str:
    return str(dict(Service.choices).get(code, code))


@register.filter
def coop_type(code: str) -> str:
    return str(dict(IloType.choices).get(code, code))


@register.filter
def weekday_name(day: int) -> str:
    return str(Weekday(day).label)


@register.filter
def places_text(code: str) -> str:
    """The range of free places a centre shows, in words."""
    return str(PLACES.get(code, code))
