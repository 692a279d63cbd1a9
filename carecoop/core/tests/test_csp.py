"""The Content-Security-Policy forbids inline script and style, and nothing in the pages needs it."""

import re
from pathlib import Path

import pytest
from django.test import Client

from carecoop.funding import svg

ROOT = Path(__file__).resolve().parents[2]
# Laid out by WeasyPrint into a PDF, never served to a browser.
PDF_ONLY = {ROOT / "core" / "templates" / "core" / "document.html"}
TAG = re.compile(r"<[a-zA-Z][^>]*>")


def _templates() -> list[Path]:
    paths = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    assert len(paths) > 50
    return [p for p in sorted(paths) if p not in PDF_ONLY]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, "manager", "member"])
def test_every_page_carries_a_policy_without_inline_script_or_style(world, role):
    client = world.client(role) if role else Client()
    response = client.get("/c/home-coop/" if role else "/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src" not in policy and "style-src" not in policy  # default-src governs both


def test_no_template_has_inline_script_event_handlers_or_styles():
    found = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        for tag in TAG.findall(text):
            # A block of JSON-LD is data the browser never runs (the policy does not govern
            # it); its text is written with every "<" escaped (directory.feeds.json_ld).
            data = 'type="application/ld+json"' in tag
            if tag.lower().startswith("<script") and "src=" not in tag and not data:
                found.append(f"{name}: inline script {tag}")
            if re.search(r"\son[a-z]+\s*=", tag, re.IGNORECASE):
                found.append(f"{name}: event handler {tag}")
            if re.search(r"\sstyle\s*=", tag, re.IGNORECASE):
                found.append(f"{name}: inline style {tag}")
            if tag.lower().startswith("<style"):
                found.append(f"{name}: style element")
        if "javascript:" in text.lower():
            found.append(f"{name}: javascript: URL")
    assert found == []


def test_the_server_drawn_charts_carry_no_inline_style():
    bars = svg.bars("Funding", [("2025", [("Fees", 10), ("Grants", 30)])])
    line = svg.line("Coverage", [(1.0, 0.5), (2.0, 0.8)], x_label="month", y_label="%")
    for chart in (bars, line):
        assert 'class="chart"' in chart
        assert not re.search(r"\sstyle\s*=", chart)
