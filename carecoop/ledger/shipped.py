"""The texts the ledger ships as data (``core.shipped``): the names of the chart of accounts."""

from carecoop.core.shipped import labels
from carecoop.ledger.chart import DEFAULT_CHART

CHART = labels("ledger.chart", *(name for _code, name, _kind in DEFAULT_CHART))
