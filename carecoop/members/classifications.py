"""International classifications used in a member's work record, and the formal/informal rule.

Codes are the official ones; labels are translated. Only the categories that care cooperatives of
informal-economy workers meet are listed; the code sets can grow without a schema change.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Icse18(models.TextChoices):
    """Status in employment, ICSE-18 (20th ICLS, 2018), detailed categories."""

    EMPLOYER_CORPORATION = "11", _("Employer in a corporation")
    EMPLOYER_HOUSEHOLD = "12", _("Employer in a household market enterprise")
    OWNER_OPERATOR = "21", _("Owner-operator of a corporation without employees")
    OWN_ACCOUNT = "22", _("Own-account worker in a household market enterprise")
    DEPENDENT_CONTRACTOR = "30", _("Dependent contractor")
    PERMANENT_EMPLOYEE = "41", _("Permanent employee")
    FIXED_TERM_EMPLOYEE = "42", _("Fixed-term employee")
    CASUAL_EMPLOYEE = "43", _("Short-term or casual employee")
    APPRENTICE = "44", _("Paid apprentice, trainee or intern")
    FAMILY_WORKER = "51", _("Contributing family worker")


class Isco08(models.TextChoices):
    """Occupation, ISCO-08 unit groups."""

    GENERALIST_DOCTOR = "2211", _("Generalist medical practitioners")
    NURSE = "2221", _("Nursing professionals")
    PRIMARY_TEACHER = "2341", _("Primary school teachers")
    EARLY_CHILDHOOD_EDUCATOR = "2342", _("Early childhood educators")
    NURSING_ASSOCIATE = "3221", _("Nursing associate professionals")
    OFFICE_CLERK = "4110", _("General office clerks")
    COOK = "5120", _("Cooks")
    MARKET_SALESPERSON = "5211", _("Stall and market salespersons")
    STREET_FOOD = "5212", _("Street food salespersons")
    CHILD_CARE_WORKER = "5311", _("Child care workers")
    TEACHERS_AIDE = "5312", _("Teachers' aides")
    HOME_CARE_WORKER = "5322", _("Home-based personal care workers")
    CROP_GROWER = "6111", _("Field crop and vegetable growers")
    HANDICRAFT_TEXTILE = "7318", _("Handicraft workers in textile, leather and related materials")
    TAILOR = "7531", _("Tailors, dressmakers, furriers and hatters")
    SEWING = "7533", _("Sewing, embroidery and related workers")
    DOMESTIC_CLEANER = "9111", _("Domestic cleaners and helpers")
    KITCHEN_HELPER = "9412", _("Kitchen helpers")
    STREET_SERVICE = "9510", _("Street and related service workers")
    STREET_VENDOR = "9520", _("Street vendors (excluding food)")
    WASTE_COLLECTOR = "9611", _("Garbage and recycling collectors")
    REFUSE_SORTER = "9612", _("Refuse sorters")
    MESSENGER = "9621", _("Messengers, package deliverers and luggage porters")
    ELEMENTARY_NEC = "9629", _("Elementary workers not elsewhere classified")


class IsicRev4(models.TextChoices):
    """Economic activity, ISIC Rev.4 classes."""

    TEXTILE_ARTICLES = "1392", _("Manufacture of made-up textile articles, except apparel")
    APPAREL = "1410", _("Manufacture of wearing apparel, except fur apparel")
    WASTE_COLLECTION = "3811", _("Collection of non-hazardous waste")
    MATERIALS_RECOVERY = "3830", _("Materials recovery")
    MARKET_FOOD = "4781", _("Retail sale via stalls and markets of food, beverages and tobacco")
    MARKET_OTHER = "4789", _("Retail sale via stalls and markets of other goods")
    PRIMARY_EDUCATION = "8510", _("Pre-primary and primary education")
    SOCIAL_WORK = (
        "8890",
        _("Other social work activities without accommodation (incl. child day-care)"),
    )
    DOMESTIC_EMPLOYERS = "9700", _("Activities of households as employers of domestic personnel")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Don't know")


class Formality(models.TextChoices):
    FORMAL = "formal", _("Formal")
    INFORMAL = "informal", _("Informal")
    UNDETERMINED = "undetermined", _("Not enough answers")


INDEPENDENT = {"11", "12", "21", "22"}
DEPENDENT = {"30", "41", "42", "43", "44"}


def derive_formality(
    *,
    status: str,
    registered_business: str,
    social_insurance: str,
    paid_annual_leave: str,
    paid_sick_leave: str,
) -> str:
    """Formal or informal, from the raw answers, after the 21st ICLS (2023) resolution.

    Contributing family workers are informal. Independent workers are formal when their economic
    unit is registered. Employees and dependent contractors are formal when social-insurance
    contributions are paid for them; without them, when they have both paid annual leave and paid
    sick leave. Whatever the answers do not settle stays undetermined.
    """
    if status == "51":
        return Formality.INFORMAL
    if status in INDEPENDENT:
        if registered_business == Answer.YES:
            return Formality.FORMAL
        if registered_business == Answer.NO:
            return Formality.INFORMAL
        return Formality.UNDETERMINED
    if status in DEPENDENT:
        if social_insurance == Answer.YES:
            return Formality.FORMAL
        if social_insurance == Answer.NO:
            if Answer.NO in (paid_annual_leave, paid_sick_leave):
                return Formality.INFORMAL
            if paid_annual_leave == paid_sick_leave == Answer.YES:
                return Formality.FORMAL
        return Formality.UNDETERMINED
    return Formality.UNDETERMINED
