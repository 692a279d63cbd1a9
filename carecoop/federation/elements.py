"""What federations count, in the shape of DHIS2's aggregate data: data elements with stable codes
and definitions, each broken down by one category; values per organisation unit (a cooperative,
or one of its centres) and ISO period (a month, ``YYYYMM``).

The figures follow the ILO guidelines concerning statistics of cooperatives (20th ICLS, 2018):
memberships and persons counted apart, members by kind, sex and age, and the work done in and
through cooperatives split into employees (members or not), worker-members, volunteers and the
workers of members' own units, with the status in employment (ICSE-18) and the formal/informal
split of the 21st ICLS; then the care the cooperatives run. The codes are the interface: a
ministry's DHIS2 imports values by them, so a code is never renamed or given a new meaning."""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from carecoop.members.classifications import Formality, Icse18
from carecoop.members.models import Interest, Sex

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Category:
    """A breakdown, with its options in the order they are shown. The values of an element with
    a category are its options' values; they add up to the element's total."""

    code: str
    name: Promise
    options: tuple[tuple[str, Any], ...]  # (code, label)

    def label(self, option: str) -> str:
        return str(dict(self.options).get(option, option))


TOTAL = Category("TOTAL", _("Total"), (("", _("Total")),))
SEX = Category("SEX", _("Sex"), (*Sex.choices, (UNKNOWN, _("Not recorded"))))
AGE = Category(
    "AGE",
    _("Age band"),
    (
        ("Y_LT25", _("Under 25")),
        ("Y25_34", _("25 to 34")),
        ("Y35_44", _("35 to 44")),
        ("Y45_54", _("45 to 54")),
        ("Y55_64", _("55 to 64")),
        ("Y_GE65", _("65 and over")),
        (UNKNOWN, _("Not recorded")),
    ),
)
KIND = Category("KIND", _("Kind of member"), tuple(Interest.choices))
WORK = Category(
    "WORK",
    _("Kind of work"),
    (
        ("employee_member", _("Employees who are members")),
        ("employee_other", _("Employees who are not members")),
        ("worker_member", _("Worker-members")),
        ("volunteer", _("Volunteers")),
        ("own_unit", _("Workers in members' own units")),
    ),
)
STATUS = Category(
    "ICSE18", _("Status in employment (ICSE-18)"), (*Icse18.choices, (UNKNOWN, _("Not recorded")))
)
FORMALITY = Category(
    "FORMALITY",
    _("Formal or informal work"),
    (*Formality.choices, (UNKNOWN, _("Not recorded"))),
)
CHILD_AGE = Category(
    "CHILD_AGE",
    _("Age group"),
    (
        ("M_LT12", _("Under 1 year")),
        ("M12_35", _("1 and 2 years")),
        ("M36_71", _("3 to 5 years")),
        ("M_GE72", _("6 years and over")),
        (UNKNOWN, _("Age not recorded")),
    ),
)
SOURCE = Category(
    "SOURCE",
    _("Source of income"),
    (
        ("fees", _("Fees")),
        ("government", _("Public funding")),
        ("donor", _("Donors")),
        ("parent_org", _("Parent organisation")),
        ("sales", _("Sales of products")),
        ("other", _("Other income")),
    ),
)

COOPERATIVE = "cooperative"
CENTRE = "centre"


@dataclass(frozen=True)
class Element:
    """A figure counted for each organisation unit and month.

    ``stock`` figures are taken at the month's end (or today, in the current month): a year's
    figure is its last month's. Others are flows over the month: a year's figure is their sum.
    ``persons`` figures count people: their small cells are suppressed. ``money`` figures reach
    a federation only when the cooperative shares its money figures with it; most are amounts
    in the cooperative's currency (minor units), and ``amount`` tells which (the children
    billed are a money figure counted in children). ``level`` is the lowest unit counted: a
    centre's figures add up to its cooperative's."""

    code: str
    name: Promise
    definition: Promise
    category: Category = TOTAL
    level: str = COOPERATIVE
    stock: bool = True
    persons: bool = True
    money: bool = False
    counted_in_children: bool = False

    @property
    def amount(self) -> bool:
        """An amount of money in the cooperative's currency (minor units)."""
        return self.money and not self.counted_in_children


MEMBERSHIPS = Element(
    "CC_MEMBERSHIPS",
    _("Memberships"),
    _(
        "Active memberships at the end of the month: admitted, not exited (a suspended member "
        "still holds her membership). A person holding two memberships counts twice."
    ),
)
PERSONS = Element(
    "CC_MEMBER_PERSONS",
    _("Members (persons)"),
    _(
        "Persons holding at least one active membership at the end of the month. Persons "
        "cannot be told apart across cooperatives, so a federation's total adds the "
        "cooperatives' persons and may count a member of two cooperatives twice."
    ),
)
MEMBERS_KIND = Element(
    "CC_MEMBERS_KIND",
    _("Memberships by kind of member"),
    _("Active memberships by what binds the member's class to the cooperative."),
    KIND,
)
MEMBERS_SEX = Element(
    "CC_MEMBERS_SEX", _("Memberships by sex"), _("Active memberships by the member's sex."), SEX
)
MEMBERS_AGE = Element(
    "CC_MEMBERS_AGE",
    _("Memberships by age band"),
    _("Active memberships by the age the member reaches in the year of the month."),
    AGE,
)
APPLICANTS = Element(
    "CC_APPLICANTS",
    _("Applicants"),
    _("People who have applied for membership and are not yet admitted, at the month's end."),
)
WORKERS = Element(
    "CC_WORKERS",
    _("Persons working in or through the cooperative"),
    _(
        "At the month's end. Employees are its paid staff, members or not; worker-members are "
        "members of a worker class who work in it without being on its payroll; volunteers "
        "work unpaid; workers in members' own units are members of a producer class with a "
        "work record of their own work."
    ),
    WORK,
)
MEMBERS_STATUS = Element(
    "CC_MEMBERS_ICSE18",
    _("Members by status in employment"),
    _("Active members with a work record, by the status in employment of their main work."),
    STATUS,
)
MEMBERS_FORMALITY = Element(
    "CC_MEMBERS_FORMALITY",
    _("Members by formal or informal work"),
    _(
        "Active members by whether their main work is formal or informal, derived from their "
        "answers on registration, social insurance and paid leave (21st ICLS, 2023)."
    ),
    FORMALITY,
)
CENTRES = Element(
    "CC_CENTRES",
    _("Care centres"),
    _("Care centres open (or not yet given an opening day) at the month's end."),
    persons=False,
)
PLACES = Element(
    "CC_PLACES",
    _("Licensed places"),
    _("The places the centres are licensed for, at the month's end."),
    level=CENTRE,
    persons=False,
)
CHILDREN = Element(
    "CC_CHILDREN",
    _("Children enrolled"),
    _("Children enrolled at the month's end, by their age on that day."),
    CHILD_AGE,
    level=CENTRE,
)
CARERS = Element(
    "CC_CARERS",
    _("Carers"),
    _(
        "Staff at the month's end whose role counts towards the ratio of children to carers "
        "(care workers, teachers, helpers, nurses, special-needs assistants)."
    ),
    level=CENTRE,
)
OPEN_MINUTES = Element(
    "CC_OPEN_MINUTES_WEEK",
    _("Minutes open a week"),
    _("The centre's opening hours in a usual week, in minutes."),
    level=CENTRE,
    persons=False,
)
COST = Element(
    "CC_COST",
    _("Running cost"),
    _("Everything spent in the month on running care: the expense accounts of the ledger."),
    stock=False,
    persons=False,
    money=True,
)
CHILD_MONTHS = Element(
    "CC_CHILD_MONTHS",
    _("Children billed"),
    _("Children billed for the month: a child billed for a month is one child-month."),
    stock=False,
    persons=False,
    money=True,
    counted_in_children=True,
)
FEES_BILLED = Element(
    "CC_FEES_BILLED",
    _("Fees billed"),
    _("Fees billed for the month, after discounts, waived fees included."),
    stock=False,
    persons=False,
    money=True,
)
FEES_COLLECTED = Element(
    "CC_FEES_COLLECTED",
    _("Fees collected"),
    _("What families paid of the month's fees."),
    stock=False,
    persons=False,
    money=True,
)
FEES_WAIVED = Element(
    "CC_FEES_WAIVED",
    _("Fees waived"),
    _("The month's fees that the solidarity fund paid in the families' place."),
    stock=False,
    persons=False,
    money=True,
)
INCOME = Element(
    "CC_INCOME",
    _("Income by source"),
    _("Income of the month in the ledger by its source: fees, grants, sales and other income."),
    SOURCE,
    stock=False,
    persons=False,
    money=True,
)
SETUP_COST = Element(
    "CC_SETUP_COST",
    _("Set-up cost of a centre"),
    _(
        "What was spent on a centre before the day it opened (equipment and expenses), counted "
        "in the month it opened."
    ),
    level=CENTRE,
    stock=False,
    persons=False,
    money=True,
)

ELEMENTS: tuple[Element, ...] = (
    MEMBERSHIPS,
    PERSONS,
    MEMBERS_KIND,
    MEMBERS_SEX,
    MEMBERS_AGE,
    APPLICANTS,
    WORKERS,
    MEMBERS_STATUS,
    MEMBERS_FORMALITY,
    CENTRES,
    PLACES,
    CHILDREN,
    CARERS,
    OPEN_MINUTES,
    COST,
    CHILD_MONTHS,
    FEES_BILLED,
    FEES_COLLECTED,
    FEES_WAIVED,
    INCOME,
    SETUP_COST,
)
BY_CODE = {e.code: e for e in ELEMENTS}
CATEGORIES = tuple(dict.fromkeys(e.category for e in ELEMENTS))


def option_code(element: Element, option: str) -> str:
    """The stable code of one value's breakdown (DHIS2's category option combination)."""
    return "TOTAL" if element.category is TOTAL else f"{element.category.code}_{option.upper()}"


def age_band(age: int | None) -> str:
    if age is None:
        return UNKNOWN
    for limit, code in ((25, "Y_LT25"), (35, "Y25_34"), (45, "Y35_44"), (55, "Y45_54")):
        if age < limit:
            return code
    return "Y55_64" if age < 65 else "Y_GE65"


def child_age(months: int | None) -> str:
    if months is None:
        return UNKNOWN
    if months < 12:
        return "M_LT12"
    if months < 36:
        return "M12_35"
    return "M36_71" if months < 72 else "M_GE72"
