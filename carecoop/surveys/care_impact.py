"""The care impact survey carecoop ships: an XLSForm whose answers give the figures the
cooperatives' own studies reported (working days, income, who cares for the children while the
mother works, the family's access to public services and to insurance, unpaid care), with its
labels in every language the product speaks, and the indicators read from it.

The questionnaire is written here as rows; ``care_impact_xlsx`` writes it as the spreadsheet a
manager could have uploaded, with a label column per language (``label::Français (fr)``) filled
from the catalogues, and it is kept through the same upload as any other form. A member's
centre, class, sex, age and whether her work is formal are not asked: they are read from her
record (the work record holds the 21st ICLS informality answers)."""

import datetime
import io
from typing import Any

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from carecoop.core.languages import shipped_languages
from carecoop.surveys.questionnaire import CONSENT_QUESTION

FORM_ID = "care_impact"
VERSION = "2026.1"
TITLE = _("Care impact survey")
CONSENTED = "${consent} = 'yes'"

# type, name, label, hint, relevant, constraint, constraint message, required, calculation
SURVEY: list[dict[str, str]] = [
    {
        "type": "note",
        "name": "intro",
        "label": _(
            "This survey asks about your work, your income and the care of your children. "
            "It takes about ten minutes."
        ),
    },
    {
        "type": "select_one yes_no",
        "name": "consent",
        "label": CONSENT_QUESTION,
        "required": "yes",
    },
    {
        "type": "integer",
        "name": "days_worked",
        "label": _("In a usual week, on how many days do you do paid work?"),
        "relevant": CONSENTED,
        "constraint": ". >= 0 and . <= 7",
        "constraint_message": _("From 0 to 7 days."),
        "required": "yes",
    },
    {
        "type": "decimal",
        "name": "hours_worked",
        "label": _("In a usual week, how many hours of paid work do you do in all?"),
        "relevant": CONSENTED + " and ${days_worked} > 0",
        "constraint": ". > 0 and . <= 112",
        "constraint_message": _("From 1 to 112 hours."),
        "required": "yes",
    },
    {
        "type": "integer",
        "name": "income",
        "label": _("How much did you earn from all your work?"),
        "hint": _("Before costs. Write 0 if you earned nothing."),
        "relevant": CONSENTED,
        "constraint": ". >= 0",
        "constraint_message": _("An amount of 0 or more."),
        "required": "yes",
    },
    {
        "type": "select_one period",
        "name": "income_period",
        "label": _("Is this amount for a day, a week or the last month?"),
        "relevant": CONSENTED + " and ${income} > 0",
        "required": "yes",
    },
    {
        "type": "select_one currency",
        "name": "income_currency",
        "label": _("In which currency?"),
        "relevant": CONSENTED,
        "required": "yes",
    },
    {
        "type": "calculate",
        "name": "monthly_income",
        "calculation": "if(${income} = 0, 0, if(${income_period} = 'month', ${income}, "
        "if(${income_period} = 'week', round(${income} * 52 div 12, 0), "
        "round(${income} * ${days_worked} * 52 div 12, 0))))",
    },
    {
        "type": "select_one carer",
        "name": "child_carer",
        "label": _("While you work, who mostly cares for your youngest child?"),
        "relevant": CONSENTED,
        "required": "yes",
    },
    {
        "type": "decimal",
        "name": "unpaid_care_hours",
        "label": _(
            "Yesterday, how many hours did you spend caring for children or others, without pay?"
        ),
        "relevant": CONSENTED,
        "constraint": ". >= 0 and . <= 24",
        "constraint_message": _("From 0 to 24 hours."),
        "required": "yes",
    },
    {
        "type": "select_one yes_no",
        "name": "public_services",
        "label": _(
            "Does your family get a public service or scheme (a ration card, a pension, a cash "
            "transfer, a health card)?"
        ),
        "relevant": CONSENTED,
        "required": "yes",
    },
    {
        "type": "select_one yes_no",
        "name": "insurance",
        "label": _("Is anyone in your family covered by health or life insurance?"),
        "relevant": CONSENTED,
        "required": "yes",
    },
    {
        "type": "begin_repeat",
        "name": "household_member",
        "label": _("The other people who live with you"),
        "relevant": CONSENTED,
    },
    {
        "type": "integer",
        "name": "member_age",
        "label": _("Age"),
        "constraint": ". >= 0 and . <= 120",
        "constraint_message": _("From 0 to 120 years."),
        "required": "yes",
    },
    {"type": "select_one sex", "name": "member_sex", "label": _("Sex"), "required": "yes"},
    {
        "type": "select_one yes_no",
        "name": "member_works",
        "label": _("Does this person do paid work?"),
        "relevant": "${member_age} >= 10",
    },
    {"type": "end_repeat", "name": ""},
]

CHOICES: list[tuple[str, str, str]] = [
    ("yes_no", "yes", _("Yes")),
    ("yes_no", "no", _("No")),
    ("period", "day", _("A day")),
    ("period", "week", _("A week")),
    ("period", "month", _("The last month")),
    ("carer", "centre", _("The care centre")),
    ("carer", "relative", _("A relative")),
    ("carer", "older_child", _("An older child")),
    ("carer", "at_work", _("I keep the child with me at work")),
    ("carer", "alone", _("The child stays alone")),
    ("carer", "other", _("Someone else")),
    ("sex", "female", _("Female")),
    ("sex", "male", _("Male")),
    ("sex", "other", _("Other")),
]

TRANSLATED = ("label", "hint", "constraint_message")
COLUMNS = ("type", "name", *TRANSLATED, "relevant", "constraint", "required", "calculation")


def _language_column(column: str, code: str, name: str) -> str:
    """A translated column's heading as ODK and KoboToolbox name it: ``label::Español (es)``."""
    return f"{column}::{name} ({code})"


def care_impact_xlsx(currency: str) -> bytes:
    """The care impact survey as an XLSForm, its currencies the cooperative's and the US
    dollar, labels in every shipped language."""
    languages = shipped_languages()
    book_file = io.BytesIO()
    book = xlsxwriter.Workbook(book_file, {"in_memory": True})
    # The same form is the same file, whenever it is written (its digest names its version).
    book.set_properties({"created": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)})

    def write(sheet_name: str, headings: list[str], rows: list[list[Any]]) -> None:
        sheet = book.add_worksheet(sheet_name)
        for row, cells in enumerate([headings, *rows]):
            for column, cell in enumerate(cells):
                if cell != "":
                    sheet.write_string(row, column, str(cell))

    def translated(text: str) -> list[str]:
        if not text:
            return ["" for _code in languages]
        found = []
        for code, _name in languages:
            with translation.override(code):
                found.append(gettext(text))
        return found

    headings = ["type", "name"]
    for column in TRANSLATED:
        headings += [_language_column(column, code, name) for code, name in languages]
    headings += ["relevant", "constraint", "required", "calculation"]
    rows = []
    for question in SURVEY:
        cells = [question["type"], question["name"]]
        for column in TRANSLATED:
            cells += translated(question.get(column, ""))
        cells += [
            question.get(c, "") for c in ("relevant", "constraint", "required", "calculation")
        ]
        rows.append(cells)
    write("survey", headings, rows)

    currencies = [(currency, currency)] + ([("USD", "USD")] if currency != "USD" else [])
    choice_rows = [[listed, name, *translated(label)] for listed, name, label in CHOICES]
    choice_rows += [["currency", code, *([label] * len(languages))] for code, label in currencies]
    write(
        "choices",
        ["list_name", "name", *[_language_column("label", c, n) for c, n in languages]],
        choice_rows,
    )
    english = next(name for code, name in languages if code == "en")
    write(
        "settings",
        ["form_id", "version", "form_title", "default_language"],
        [[FORM_ID, VERSION, TITLE, f"{english} (en)"]],
    )
    book.close()
    return book_file.getvalue()
