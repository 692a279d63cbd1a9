"""Links built once a column, and the header built once a cooperative, role and language, are the
ones reversed and rendered each time."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from carecoop.core.links import MARKER, row_url
from carecoop.core.templatetags import navigation


def test_a_column_of_links_is_reversed_once_and_reads_the_same():
    person_url = row_url("members:detail", coop="shakti")
    for pk in (1, 42, 2147483646, 10**12):
        assert person_url(pk) == reverse("members:detail", kwargs={"coop": "shakti", "pk": pk})


def test_a_link_where_the_value_cannot_be_placed_is_refused():
    with pytest.raises(ValueError):
        row_url("members:detail", coop=MARKER)  # the marker twice: which one is the row's?


class Org:
    slug = "shakti"
    name = "Shakti <Co-op>"
    is_cooperative = True


class Seen:
    org = Org()


def nav(links, language):
    with translation.override(language):
        return Template("{% load navigation %}{% coop_nav %}").render(
            Context({"access": Seen(), "nav": dict.fromkeys(links, True) | {"staff": False}})
        )


def test_the_menu_shows_the_roles_links_in_the_language_escaped():
    navigation._nav.cache_clear()
    english = nav(["members", "funding"], "en")
    assert 'href="/c/shakti/members/"' in english and "/c/shakti/funding/" in english
    assert "/c/shakti/staff/" not in english and "/c/shakti/ledger/" not in english
    assert "Shakti &lt;Co-op&gt;" in english
    assert nav(["members"], "en") != english  # another role's links, another menu
    assert nav(["members", "funding"], "es") != english  # another language, another menu
    assert nav(["funding", "members"], "en") == english


def test_the_language_menu_selects_the_active_language():
    template = Template("{% load navigation %}{% language_options %}")
    languages = [("en", "English"), ("fr", "Français")]
    with translation.override("fr"):
        html = template.render(Context({"SHIPPED_LANGUAGES": languages}))
    assert html == (
        '<option value="en" lang="en">English</option>'
        '<option value="fr" lang="fr" selected>Français</option>'
    )
