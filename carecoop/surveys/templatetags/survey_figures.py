"""An indicator's figure in words, and a breakdown's name, for the surveys' pages."""

from django import template

from carecoop.surveys.charts import words
from carecoop.surveys.indicators import Figure
from carecoop.surveys.models import Dimension, Indicator

register = template.Library()


@register.filter
def figure_words(figure: Figure, indicator: Indicator) -> str:
    return words(indicator, figure)


@register.filter
def dimension_name(code: str) -> str:
    return str(dict(Dimension.choices).get(code, code))
