"""Every role of every demonstration cooperative (the README's sign-ins, on the demonstration's
own data), on a phone's 360 x 740 screen, in English, Arabic (right to left) and Gujarati: the
pages its menus reach fit the screen's width, every action can be reached, no link it is shown
answers "Not allowed", the page's own content starts below a header of at most ``HEADER`` px, and axe
finds no serious or critical accessibility fault.

The pages are those of the header's menu and the pages those link to, one address per URL
pattern; when a role reaches more than ``PER_ROLE`` patterns, a fixed sample of them (the same on
every run, another for each sign-in, so that the cooperatives together cover more of them) is
checked, so that the whole test stays within a few minutes on a small machine.
The axe audit and the answers of the links run in English only: they hardly change with the
language, and they are the slow part."""

import random
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.urls import Resolver404, resolve

from carecoop.demo import data
from carecoop.demo.services import demo_load
from carecoop.staffing.services import rule_sets_refresh
from carecoop.tenancy.models import Centre
from carecoop.testing import client_for, fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 740
# The header (brand, cooperative, language, menu) takes two short lines at most: about 100 px.
HEADER = 140
LANGUAGES = ("en", "ar", "gu")
PER_ROLE = 7  # pages a sign-in is checked on, its menu's pages first
SEED = 360
# Pages with the widest tables, checked for the roles that open them whatever the sample holds.
WIDE = {
    "manager": (
        "c/<slug:coop>/staff/centres/<int:pk>/rules/",
        "c/<slug:coop>/centres/<int:pk>/waitlist/",
        "c/<slug:coop>/billing/waivers/",
        "c/<slug:coop>/billing/invoices/",
    ),
    "treasurer": ("c/<slug:coop>/billing/invoices/",),
    "member": ("c/<slug:coop>/billing/mine/",),
}

# The width of the document, the actions beyond the screen's edges, the boxes that hide part of
# their content without a cue that they scroll (a shade drawn at the edge), and the top of the
# content. An action inside a scrolling table counts as reachable only when the table shows that
# it scrolls and the action sits in the first column.
MEASURE = """
() => {
  const width = window.innerWidth;
  // The cue that a box scrolls: the shade the stylesheet draws at its edge.
  const cued = e => getComputedStyle(e).backgroundImage.includes('gradient');
  const off = [];
  for (const e of document.querySelectorAll('a[href], button, input[type=submit], select')) {
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(e).visibility === 'hidden') continue;
    if (r.left >= -1 && r.right <= width + 1) continue;
    const cell = e.closest('td, th');
    const box = cell && cell.closest('table');
    if (box && cued(box) && cell.cellIndex === 0) continue;
    off.push((e.textContent || e.value || e.name || e.tagName).trim().slice(0, 40));
  }
  const cut = [];
  for (const e of document.querySelectorAll('main *')) {
    // A box of a pixel or two is text for screen readers only, not content cut off.
    if (e.clientWidth < 3 || e.scrollWidth <= e.clientWidth + 1 || cued(e)) continue;
    if (!['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX)) continue;
    cut.push(e.tagName.toLowerCase() + ' ' + e.textContent.trim().slice(0, 30));
  }
  const main = document.querySelector('main');
  const first = main && [...main.children].find(c => c.getBoundingClientRect().height > 0);
  return {
    scroll: document.documentElement.scrollWidth,
    off: off,
    cut: cut,
    top: first ? Math.round(first.getBoundingClientRect().top + window.scrollY) : null,
    dir: document.documentElement.dir,
    lang: document.documentElement.lang,
  };
}
"""

# The visible links of the page that stay on the site, without the administration, and not the
# files a page offers to download (a register as CSV or XLSX is no page).
LINKS = """
() => [...document.querySelectorAll('a[href]:not([download])')]
  .filter(a => a.getClientRects().length && a.origin === location.origin)
  .map(a => a.pathname + a.search)
"""


def _route(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


def _pages(page: Any, base: str, seed: int) -> list[str]:
    """The role's menu pages and, one address per URL pattern, the pages those link to."""
    page.goto(base + "/home/")
    start = [a for a in page.evaluate(LINKS) if a.startswith(("/c/", "/f/"))][:1]
    menu: list[str] = []
    for path in start:
        page.goto(base + path)
        menu += page.eval_on_selector_all("header nav a", "as => as.map(a => a.pathname)")
    menu = list(dict.fromkeys(start + menu))
    seen = {_route(p) for p in menu}
    further: list[str] = []
    for path in menu:
        page.goto(base + path)
        for link in page.evaluate(LINKS):
            route = _route(link)
            if route is None or route in seen or not link.startswith(("/c/", "/f/")):
                continue
            seen.add(route)
            further.append(link)
    rest = sorted(further)
    random.Random(seed).shuffle(rest)
    return (menu + rest)[:PER_ROLE] if len(menu) < PER_ROLE else menu


def test_every_role_s_pages_fit_a_phone(db, live_server, chromium):
    base = live_server.url
    rule_sets_refresh()  # the shipped ratio rules, which the flush between tests removes
    assert demo_load()
    User = get_user_model()
    axe = Axe()
    failures: list[str] = []
    visits = 0
    timings = {"discovery": 0.0, "axe": 0.0}
    tops: dict[str, int] = {}  # the lowest start of the content in each language
    for n, (username, slug, role, _) in enumerate(data.USERS):
        session = client_for(User.objects.get(username=username)).cookies["sessionid"].value
        context = chromium.new_context(
            viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1, bypass_csp=True
        )
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        started = time.monotonic()
        pages = _pages(page, base, SEED + n)
        timings["discovery"] += time.monotonic() - started
        centre = Centre._base_manager.filter(coop__slug=slug).order_by("pk").first()
        pages += [fill(r, coop=slug, org="", pk=centre.pk) for r in WIDE.get(role, ()) if centre]
        if role in ("treasurer", "member"):  # an invoice, from the list just added
            page.goto(base + pages[-1])
            links = page.evaluate(LINKS)
            pages += [p for p in links if _route(p) == "c/<slug:coop>/billing/invoices/<int:pk>/"][
                :1
            ]
        pages = list(dict.fromkeys(pages))
        checked: dict[str, int] = {}  # URL pattern: the answer to its first address
        for language in LANGUAGES:
            page.goto(base + pages[0])
            page.select_option("select#language", language)
            page.wait_for_function(f"document.documentElement.lang === '{language}'", polling=100)
            for path in pages:
                visits += 1
                where = f"{username} {language} {path}"
                response = page.goto(base + path)
                if response is None or response.status != 200:
                    failures.append(f"{where}: answers {response and response.status}")
                    continue
                m = page.evaluate(MEASURE)
                if m["lang"] != language:
                    failures.append(f"{where}: the page is in {m['lang']}")
                if language == "ar" and m["dir"] != "rtl":
                    failures.append(f"{where}: not right to left")
                if m["scroll"] > WIDTH:
                    failures.append(f"{where}: {m['scroll']} px wide")
                if m["cut"]:
                    failures.append(f"{where}: cut off, no cue that it scrolls: {m['cut'][:3]}")
                if m["off"]:
                    failures.append(f"{where}: off the screen: {m['off'][:5]}")
                if path == pages[0] and page.locator("details.menu summary").count():
                    page.click("details.menu summary")  # the header's menu, opened
                    menu = page.evaluate(MEASURE)["off"]
                    if menu:
                        failures.append(f"{where}: off the screen in the open menu: {menu[:5]}")
                    page.click("details.menu summary")
                tops[language] = max(tops.get(language, 0), m["top"] or HEIGHT)
                if m["top"] is None or m["top"] > HEADER:
                    failures.append(f"{where}: the content starts at {m['top']} px")
                if language != "en":
                    continue
                # axe and the links' answers depend little on the language: English only.
                started = time.monotonic()
                audit = axe.run(page).response["violations"]
                timings["axe"] += time.monotonic() - started
                for v in audit:
                    if v["impact"] in ("serious", "critical"):
                        failures.append(f"{where}: axe {v['impact']} {v['id']} x{len(v['nodes'])}")
                # One address of each URL pattern: a role may open all of a pattern's or none.
                for link in page.evaluate(LINKS):
                    route = _route(link) or link
                    if link.startswith("/admin/") or route in checked:
                        continue
                    checked[route] = context.request.get(base + link, max_redirects=0).status
                    if checked[route] == 403:
                        failures.append(f"{where}: shows a link it may not open: {link}")
        context.close()
    assert visits >= len(data.USERS) * len(LANGUAGES) * 3
    print(f"{visits} pages checked; content starts by {tops} px; seconds spent: {timings}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
