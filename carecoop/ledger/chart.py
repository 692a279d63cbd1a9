"""The chart of accounts of a care cooperative. Other apps post to these codes.

The names are stored in English and shown in the reader's language (``ledger/shipped.py``).
"""

from django.utils.translation import gettext_noop as _

CASH = "1000"
MOBILE_MONEY = "1010"
BANK = "1020"
FEES_RECEIVABLE = "1100"
GRANTS_RECEIVABLE = "1200"
EQUIPMENT = "1500"
PAYABLES = "2000"
FAMILY_CREDIT = "2100"
DEFERRED_GRANTS = "2200"
GENERAL_RESERVE = "3000"
SOLIDARITY_FUND = "3100"
SHARE_CAPITAL = "3200"
FEE_INCOME = "4000"
GRANT_PUBLIC = "4100"
GRANT_DONOR = "4200"
GRANT_PARENT_ORG = "4210"
PRODUCT_SALES = "4300"
OTHER_INCOME = "4900"
SALARIES = "5000"
RENT = "5100"
FOOD = "5200"
MEDICINE = "5300"
SUPPLIES = "5400"
SUPERVISION = "5500"
OTHER_EXPENSE = "5900"

CASH_ACCOUNTS = (CASH, MOBILE_MONEY, BANK)

DEFAULT_CHART = [
    (CASH, _("Cash"), "asset"),
    (MOBILE_MONEY, _("Mobile money"), "asset"),
    (BANK, _("Bank"), "asset"),
    (FEES_RECEIVABLE, _("Fees receivable from families"), "asset"),
    (GRANTS_RECEIVABLE, _("Grants receivable"), "asset"),
    (EQUIPMENT, _("Equipment"), "asset"),
    (PAYABLES, _("Bills to pay"), "liability"),
    (FAMILY_CREDIT, _("Fees paid in advance"), "liability"),
    (DEFERRED_GRANTS, _("Restricted grants not yet spent"), "liability"),
    (GENERAL_RESERVE, _("General reserve"), "equity"),
    (SOLIDARITY_FUND, _("Solidarity fund"), "equity"),
    (SHARE_CAPITAL, _("Members' share capital"), "equity"),
    (FEE_INCOME, _("Fees from families"), "income"),
    (GRANT_PUBLIC, _("Public schemes"), "income"),
    (GRANT_DONOR, _("Donors"), "income"),
    (GRANT_PARENT_ORG, _("Parent organisation"), "income"),
    (PRODUCT_SALES, _("Product sales"), "income"),
    (OTHER_INCOME, _("Other income"), "income"),
    (SALARIES, _("Salaries and honoraria"), "expense"),
    (RENT, _("Rent"), "expense"),
    (FOOD, _("Food"), "expense"),
    (MEDICINE, _("Medicine"), "expense"),
    (SUPPLIES, _("Supplies"), "expense"),
    (SUPERVISION, _("Supervision and administration"), "expense"),
    (OTHER_EXPENSE, _("Other expenses"), "expense"),
]
