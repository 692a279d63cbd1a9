"""The texts the demonstration writes in its records (``core.shipped``): reasons a cooperative
would have typed in its own language. They are stored in English and shown in the reader's
language, so the Gujarati demonstration reads in Gujarati. (``data.py`` is left out of
``makemessages``; its holidays are marked here, and ``core/tests/test_catalogues.py`` fails when
one is missing.)"""

from django.utils.translation import gettext_noop as _

from carecoop.core.shipped import labels

DUES_UNPAID = _("Dues unpaid for three months; the board will review.")
MOVED_AWAY = _("Moved away with the family.")
WEIGHT_GAIN_SLOW = _("Weight gain too slow for two months")

REASONS = labels("demo.reasons", DUES_UNPAID, MOVED_AWAY, WEIGHT_GAIN_SLOW)

# Fee categories, the solidarity fund's criterion and gifts, the books' opening entry.
WORKER_MEMBERS = _("Worker-members")
COMMUNITY = _("Community")
FESTIVAL_COLLECTION = _("Members' festival collection")
GENERAL_RESERVE = _("General reserve")
NO_INCOME = _("No income this month")
NO_INCOME_DESCRIPTION = _(
    "The household earned nothing this month (illness, loss of the stall, floods)."
)
BROUGHT_FORWARD = _("Balances brought forward")
DEMO_RATE = _("Demo rate")

MONEY = labels(
    "demo.money",
    WORKER_MEMBERS,
    COMMUNITY,
    FESTIVAL_COLLECTION,
    GENERAL_RESERVE,
    NO_INCOME,
    NO_INCOME_DESCRIPTION,
    BROUGHT_FORWARD,
    DEMO_RATE,
)

HOLIDAYS = labels(
    "demo.holidays",
    _("Diwali"),
    # Translators: the week before Easter; "Semana Santa" in Spanish and Portuguese.
    _("Holy Week"),
    # Translators: the days before Lent; "Carnaval" in Spanish and Portuguese.
    _("Carnival"),
)
