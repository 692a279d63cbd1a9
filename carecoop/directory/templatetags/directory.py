"""The names, in the reader's language, of the codes the public pages show."""

from django import template

from carecoop.tenancy.models import IloType, Service

register = template.Library()


@register.filter
def service_name(code: str) -> str:
    return str(dict(Service.choices).get(code, code))


@register.filter
def coop_type(code: str) -> str:
    return str(dict(IloType.choices).get(code, code))
