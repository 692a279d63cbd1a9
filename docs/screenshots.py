"""The README's screenshots, taken on a phone-sized screen (360 x 740) from a running demo.

    make demo                                   # in one terminal
    .venv/bin/python docs/screenshots.py        # in another; writes docs/screenshot-*.png
    .venv/bin/python docs/screenshots.py --pages  # the fixed pages in English, Arabic, Gujarati

Each shot signs in as a demo user, chooses the language and saves the first screenful of a page.
``--pages`` saves the whole of each page of ``PAGES`` in each of ``LANGUAGES`` into build/screenshots.
``BASE`` (default http://127.0.0.1:8000) points at another server; ``OUT`` at another folder.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project, for carecoop

from playwright.sync_api import sync_playwright

from carecoop.browser import CHROMIUM_ARGS, chromium_path
from carecoop.demo.data import PASSWORD

BASE = os.environ.get("BASE", "http://127.0.0.1:8000")
ROOT = Path(__file__).resolve().parent.parent
PAGES_RUN = "--pages" in sys.argv
OUT = Path(os.environ.get("OUT", ROOT / ("build/screenshots" if PAGES_RUN else "docs")))
# file name, user, language, path
SHOTS = [
    ("screenshot-members.png", "manager.shakti", "en", "/c/shakti-creches/members/"),
    ("screenshot-phone-gu.png", "manager.shakti", "gu", "/c/shakti-creches/"),
    ("screenshot-funding-ar.png", "treasurer.shakti", "ar", "/c/shakti-creches/funding/"),
]
LANGUAGES = ("en", "ar", "gu")
# name, user, path: pages of the phones-and-people fixes, each in every language of LANGUAGES
PAGES = [
    ("members", "manager.shakti", "/c/shakti-creches/members/"),
    ("home", "manager.shakti", "/c/shakti-creches/"),
    ("funding", "treasurer.shakti", "/c/shakti-creches/funding/"),
    ("invoices", "treasurer.shakti", "/c/shakti-creches/billing/invoices/"),
    ("waivers", "manager.shakti", "/c/shakti-creches/billing/waivers/"),
    ("my-fees", "member.shakti", "/c/shakti-creches/billing/mine/"),
    ("meetings", "board.shakti", "/c/shakti-creches/governance/"),
    ("recicla-home", "manager.recicla", "/c/recicla-bh/"),
]


def shots() -> list[tuple[str, str, str, str, bool]]:
    """(file name, user, language, path, whole page) of this run."""
    if not PAGES_RUN:
        return [(name, user, language, path, False) for name, user, language, path in SHOTS]
    return [
        (f"{name}-{language}.png", user, language, path, True)
        for name, user, path in PAGES
        for language in LANGUAGES
    ]


def main() -> int:
    path = chromium_path()
    if path is None:
        print("No chromium on this machine (apt-get install chromium).")
        return 1
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        OUT.mkdir(parents=True, exist_ok=True)
        for name, user, language, page_path, whole in shots():
            context = browser.new_context(
                viewport={"width": 360, "height": 740}, device_scale_factor=1
            )
            page = context.new_page()
            page.goto(BASE + "/accounts/login/")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", PASSWORD)
            page.press("input[name=password]", "Enter")
            page.wait_for_load_state()
            page.select_option("select#language", language)
            page.wait_for_function(f"document.documentElement.lang === '{language}'")
            page.goto(BASE + page_path)
            page.screenshot(path=OUT / name, full_page=whole)
            print(f"{OUT / name}: {user}, {language}, {page.url}")
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
