"""A statement import over the size or row limit is refused with a clear message, and changes
nothing; one within the limits is imported."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from carecoop.billing.models import StatementImport, StatementLine

pytestmark = pytest.mark.django_db

HEADER = "date,reference,amount,currency,payer,phone,message\n"


def _post(world, content: str):
    upload = SimpleUploadedFile("statement.csv", content.encode(), content_type="text/csv")
    return world.client("treasurer").post(
        "/c/home-coop/billing/statements/",
        {"provider": "UPI", "method": "mobile", "file": upload},
    )


def _row(world, n: int, message: str = "fees") -> str:
    return f"2025-06-01,MP-{n},175.00,{world.home.currency},Payer,,{message}\n"


def _counts():
    with scopes_disabled():
        return StatementImport.objects.count(), StatementLine.objects.count()


def test_a_file_larger_than_the_limit_is_refused_and_changes_nothing(world):
    before = _counts()
    long = "x" * (settings.CARECOOP_IMPORT_MAX_BYTES // 4)
    content = HEADER + "".join(_row(world, n, long) for n in range(5))
    assert len(content.encode()) > settings.CARECOOP_IMPORT_MAX_BYTES
    response = _post(world, content)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert "larger than the 2.0" in errors[0] and "Split it into smaller files" in errors[0]
    assert _counts() == before


def test_a_file_with_more_rows_than_the_limit_is_refused_and_changes_nothing(world):
    before = _counts()
    limit = settings.CARECOOP_IMPORT_MAX_ROWS
    content = HEADER + "".join(_row(world, n) for n in range(limit + 1))
    assert len(content.encode()) < settings.CARECOOP_IMPORT_MAX_BYTES
    response = _post(world, content)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors == [
        f"The file has more than {limit} rows, more than an import may have. Split it into "
        "smaller files and import them one after the other."
    ]
    assert _counts() == before


def test_a_file_at_the_row_limit_without_a_final_line_break_is_imported(world, settings):
    settings.CARECOOP_IMPORT_MAX_ROWS = 3
    content = HEADER + "".join(_row(world, n) for n in range(3))
    response = _post(world, content.rstrip("\n"))
    assert response.status_code == 302
    with scopes_disabled():
        assert StatementLine.objects.filter(coop=world.home).count() == 3
