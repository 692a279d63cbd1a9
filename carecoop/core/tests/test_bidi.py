"""Text people type is isolated wherever a page shows it: a name holding a right-to-left override
(U+202E) turns only itself around, never the words, figures or links after it."""

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django_scopes import scope

from carecoop.governance.models import Attendee

pytestmark = pytest.mark.django_db

RLO = "\u202e"
PDI = "\u2069"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def isolating_tags() -> set[str]:
    """The elements the stylesheet isolates (``unicode-bidi: isolate``), and ``bdi``."""
    path = finders.find("carecoop/carecoop.css")
    assert isinstance(path, str)
    with open(path, encoding="utf-8") as css:
        text = re.sub(r"/\*.*?\*/", "", css.read(), flags=re.S)
    tags = {"bdi"}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        if re.search(r"unicode-bidi\s*:\s*isolate\b", body):
            tags |= {s.strip() for s in selectors.split(",") if re.fullmatch(r"\s*[a-z0-9]+\s*", s)}
    return tags


class Texts(HTMLParser):
    """Every text node holding an override, with its element and that element's own texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[str]]] = [("", [])]
        self.found: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in VOID:
            self.stack.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        tag, texts = self.stack[-1]
        texts.append(data)
        if RLO in data:
            self.found.append((tag, data, texts))


def unisolated(html: str, values: set[str]) -> list[str]:
    """The texts where a value holding an override is not isolated from what follows it. A value
    is isolated when it is the only text of a ``<bdi>`` or of an element the stylesheet isolates,
    or when an isolate it sits in (U+2068 … U+2069, for text-only places such as ``<title>`` and
    ``<option>``) ends right after it."""
    tags = isolating_tags()
    parser = Texts()
    parser.feed(html)
    parser.close()
    wrong = []
    for tag, text, texts in parser.found:
        alone = text.strip() in values and "".join(texts).strip() == text.strip()
        if alone and tag in tags:
            continue
        if any(re.search(re.escape(v) + r"\s*" + PDI, text) for v in values):
            continue
        wrong.append(f"<{tag}>{text!r}")
    return wrong


def test_the_check_finds_an_override_that_is_not_isolated() -> None:
    values = {RLO + "Zenobia"}
    assert unisolated(f"<p>{RLO}Zenobia paid 100</p>", values)
    assert unisolated(f"<p><b>{RLO}Zenobia</b> paid 100</p>", values)
    assert not unisolated(f"<p><bdi>{RLO}Zenobia</bdi> paid 100</p>", values)
    assert not unisolated(f"<title>\u2068{RLO}Zenobia\u2069 · carecoop</title>", values)
    assert "td" in isolating_tags() and "a" in isolating_tags()


def test_names_with_an_override_are_isolated_on_the_pages_that_show_them(world: Any) -> None:
    with scope(coop=world.other.pk):
        person = world.other_person
        person.given_name = RLO + "Zenobia"
        person.save()
        household = person.household
        household.name = RLO + "Secretname household"
        household.save()
        child = world.other_child
        child.given_name = RLO + "Zefirino"
        child.save()
        meeting = world.other_meeting
        meeting.title = RLO + "Annual meeting"
        meeting.save()
        world.other_fee_payment.reference = RLO + "MP-77"
        world.other_fee_payment.save()
        Attendee.objects.create(
            coop=world.other,
            meeting=meeting,
            membership=world.other_membership,
            member_class=world.other_class,
            presence="present",
        )
        values = {
            person.given_name,
            person.full_name,
            f"{person.family_name} {person.given_name}",
            household.name,
            child.given_name,
            child.full_name,
            meeting.title,
            world.other_fee_payment.reference,
        }
    client = world.client("outsider")  # the other cooperative's manager
    base = f"/c/{world.other.slug}"
    pages = [
        f"{base}/members/",
        f"{base}/members/{person.pk}/",
        f"{base}/members/{child.pk}/",
        f"{base}/centres/children/{child.pk}/",
        f"{base}/health/children/{child.pk}/",
        f"{base}/billing/invoices/{world.other_invoice.pk}/",
        f"{base}/governance/meetings/{meeting.pk}/",
        f"{base}/governance/meetings/{meeting.pk}/minutes/",
    ]
    wrong = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert RLO in html, url
        if found := unisolated(html, values):
            wrong[url] = found
    assert not wrong, "\n".join(f"{url} {text}" for url, texts in wrong.items() for text in texts)
