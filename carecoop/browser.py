"""Playwright with the system's chromium, for the browser tests. Never downloads a browser."""

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: install Debian's chromium.")
        pytest.skip(
            "No chromium on this machine (apt-get install chromium): browser tests skipped."
        )
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself
    # are synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium: object) -> Iterator[object]:
    """A page the size of a cheap phone's screen. Playwright's ``wait_for_function`` evaluates
    its expression with ``eval``, which the site's Content-Security-Policy forbids, so this page
    bypasses the policy; ``strict_phone`` keeps it (carecoop/core/tests/test_browser.py)."""
    context = chromium.new_context(  # type: ignore[attr-defined]
        viewport={"width": 360, "height": 740}, device_scale_factor=1, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def strict_phone(chromium: object) -> Iterator[object]:
    """A phone-sized page under the site's own Content-Security-Policy."""
    context = chromium.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def import_with_a_bad_row_then_download(page: Any, member_class: str, tmp_path: Path) -> None:
    """From a cooperative's member list: the import template is downloaded and filled in, a bad
    date is named by its row and column and nothing is imported, the corrected file is previewed
    and imported, and the register downloads as XLSX with the new members in it."""
    page.click("a[href$='/members/import/']")
    page.wait_for_url("**/members/import/")
    with page.expect_download() as got:
        page.click("a[href$='/import/template.xlsx']")
    template = Path(got.value.path()).read_bytes()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(template)).get_sheet_by_index(0)
    heads = [str(head) for head in sheet.to_python()[0]]

    def register(applied: str) -> Path:
        rows = {
            "reference": ["B-1", "B-2"],
            "given name": ["Meena", "Rukhsana"],
            "family name": ["Solanki", "Shaikh"],
            "member class": [member_class] * 2,
            "applied on": ["2024-01-10", applied],
        }
        path = tmp_path / "register.xlsx"
        book = xlsxwriter.Workbook(path)
        sheet = book.add_worksheet()
        for c, head in enumerate(heads):
            sheet.write(0, c, head)
            for r, value in enumerate(rows.get(head, []), start=1):
                sheet.write_string(r, c, value)
        book.close()
        return path

    page.set_input_files("input[name=file]", str(register("31/02/2024")))
    page.click("form.card button[type=submit]")
    page.wait_for_selector("table.list")
    problems = page.inner_text("table.list")
    assert "3\tapplied on" in problems and "31/02/2024" in problems
    assert _fits(page)
    screenshot(page, "members-import-problems")

    page.set_input_files("input[name=file]", str(register("2024-02-29")))
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/members/import/*/")
    assert "add 2 members" in page.inner_text("main") and _fits(page)
    screenshot(page, "members-import-preview")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/members/")
    assert "2 members added" in page.inner_text("main")

    with page.expect_download() as got:
        page.click("a[href$='/members/register.xlsx']")
    book = CalamineWorkbook.from_filelike(io.BytesIO(Path(got.value.path()).read_bytes()))
    names = {row[2] for row in book.get_sheet_by_index(0).to_python()[1:]}
    assert {"Meena", "Rukhsana"} <= names
