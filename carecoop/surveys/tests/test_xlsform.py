"""A questionnaire read from its XLSForm: a valid form is built (an XForm, as ODK builds it),
and a broken one is refused with every problem on its sheet, row and column."""

import datetime
import io

import xlsxwriter

from carecoop.surveys.xlsform import form_read

HEAD = ["type", "name", "label", "relevant", "constraint", "required", "calculation"]
CHOICES = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]
SETTINGS = [["form_title", "form_id", "version"], ["Care impact", "care_impact", "2025.1"]]


def _book(survey, choices=CHOICES, settings=SETTINGS) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    # A fixed creation time: the same rows give the same bytes, whichever second they are written in.
    book.set_properties({"created": datetime.datetime(2025, 1, 1)})
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


VALID = [
    HEAD,
    ["integer", "days", "Days worked last week", "", ". >= 0 and . <= 7", "yes", ""],
    ["select_one yn", "insured", "Is the family insured?", "${days} > 0", "", "", ""],
    ["decimal", "income", "Income last month", "", ". >= 0", "", ""],
    ["calculate", "weekly", "", "", "", "", "${income} div 4"],
    ["begin_repeat", "children", "Children", "", "", "", ""],
    ["text", "child_name", "Name", "", "", "", ""],
    ["select_multiple yn", "cared", "Cared for at the centre?", "", "", "", ""],
    ["end_repeat", "", "", "", "", "", ""],
    ["note", "thanks", "Thank you", "selected(${insured}, 'yes')", "", "", ""],
]


def test_a_valid_form_is_built():
    form = form_read(_book(VALID))
    assert form.problems == []
    assert [q["name"] for q in form.questions if q["kind"] != "end_repeat"][:3] == [
        "days",
        "insured",
        "income",
    ]
    assert form.settings["form_id"] == "care_impact"
    assert "<h:html" in form.xform and "insured" in form.xform
    assert set(form.choices) == {"yn"}


def test_every_problem_is_named_with_its_sheet_row_and_column():
    broken = [
        HEAD,
        ["integer", "days", "Days", "", "", "", ""],
        ["geopoint", "where", "Where do you live?", "", "", "", ""],  # row 3: not supported
        ["select_one nolist", "insured", "Insured?", "", "", "", ""],  # row 4: no such list
        ["integer", "hours", "Hours", "${days} >>> (", "", "", ""],  # row 5: unreadable
        ["integer", "more", "More", "${nobody} > 1", "", "", ""],  # row 6: no such question
        ["integer", "days", "Days again", "", ". <= round(1, 2, 3)", "", ""],  # row 7
        ["begin_group", "work", "Work", "", "", "", ""],  # row 8: never closed
        ["text", "", "Nameless", "", "", "", ""],  # row 9
    ]
    problems = [(p.sheet, p.row, p.column) for p in form_read(_book(broken)).problems]
    assert problems == [
        ("survey", 7, "name"),
        ("survey", 3, "type"),
        ("survey", 4, "type"),
        ("survey", 5, "relevant"),
        ("survey", 6, "relevant"),
        ("survey", 7, "constraint"),
        ("survey", 9, "name"),
        ("survey", 8, "type"),
    ]


def test_what_pyxform_refuses_is_named_on_its_row():
    # A choice list whose choices share a name: the sheets read well, the converter refuses it.
    choices = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "yes", "Yes again"]]
    form = form_read(_book(VALID, choices=choices))
    assert form.xform == ""
    assert form.problems and form.problems[0].sheet == "survey"
    assert "cannot be built" in form.problems[0].message


def test_a_file_that_is_no_form_is_refused():
    assert form_read(b"not a spreadsheet").problems[0].row == 1
    empty = form_read(_book([], choices=[], settings=[]))
    assert [(p.sheet, p.row) for p in empty.problems] == [("survey", 1)]
