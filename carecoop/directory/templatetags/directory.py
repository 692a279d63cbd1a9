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


HSDS_DAYS = {"MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6, "SU": 7}


@register.filter
def hsds_hours(summary: str) -> str:
    """The hours another installation's feed gives ("MO,TU 07:00-17:00; SA 08:00-12:00", as
    ``harvest`` sums them up) with the days named in the reader's language."""
    groups = []
    for group in summary.split("; "):
        head, _space, rest = group.partition(" ")
        codes = head.split(",")
        if head and all(c in HSDS_DAYS for c in codes):
            named = ", ".join(str(Weekday(HSDS_DAYS[c]).label) for c in codes)
            group = f"{named} {rest}".strip()
        groups.append(group)
    return "; ".join(groups)
