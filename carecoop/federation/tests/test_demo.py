"""The statistics of a demonstration cooperative against the same figures counted by hand, row by
row, from its registers: the waste pickers' cooperative of Belo Horizonte (reference C: about a
hundred members, 55 % of them women; about 80 children in four age groups)."""

import datetime
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import escape
from django_scopes import scope, scopes_disabled

from carecoop.care.models import Enrolment
from carecoop.demo.services import demo_load
from carecoop.federation.models import Value
from carecoop.members.models import Membership
from carecoop.staffing.models import CARING_ROLES, Staff
from carecoop.tenancy.models import Centre, Organisation
from carecoop.testing import client_for

pytestmark = pytest.mark.django_db


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year


def test_the_demonstration_cooperative_s_statistics_are_those_counted_by_hand():
    assert demo_load(only={"recicla-bh"})
    coop = Organisation.objects.get(slug="recicla-bh")
    today = timezone.localdate()
    period = today.strftime("%Y%m")
    with scopes_disabled():
        kept = {
            (v.centre_id, v.element, v.option): v.value
            for v in Value.objects.filter(coop=coop, period=period)
        }
    with scope(coop=coop.pk):
        held = [
            m
            for m in Membership.objects.select_related("person", "member_class")
            if m.admitted_on
            and m.admitted_on <= today
            and (m.exited_on is None or m.exited_on > today)
        ]
        sexes = Counter(m.person.sex or "unknown" for m in held)
        kinds = Counter(m.member_class.interest for m in held)
        young = sum(
            1 for m in held if m.person.date_of_birth and _age(m.person.date_of_birth, today) < 25
        )
        children = [
            e
            for e in Enrolment.objects.select_related("child")
            if e.starts_on <= today and (e.ends_on is None or e.ends_on >= today)
        ]
        under_three = sum(
            1
            for e in children
            if e.child.date_of_birth
            and (today.year - e.child.date_of_birth.year) * 12
            + today.month
            - e.child.date_of_birth.month
            - (today.day < e.child.date_of_birth.day)
            < 36
        )
        places = sum(c.licensed_capacity for c in Centre.objects.all())
        carers = Staff.objects.filter(role__in=CARING_ROLES, started_on__lte=today).exclude(
            ended_on__lte=today
        )
    assert 80 <= len(held) <= 130  # about a hundred members
    assert kept[(None, "CC_MEMBERSHIPS", "")] == len(held)
    assert kept[(None, "CC_MEMBER_PERSONS", "")] == len({m.person_id for m in held})
    for sex, n in sexes.items():
        assert kept[(None, "CC_MEMBERS_SEX", sex)] == n
    assert sexes["female"] / len(held) == pytest.approx(0.55, abs=0.08)  # 55 % women
    for kind, n in kinds.items():
        assert kept[(None, "CC_MEMBERS_KIND", kind)] == n
    assert kept.get((None, "CC_MEMBERS_AGE", "Y_LT25"), 0) == young
    assert sum(n for (c, el, _o), n in kept.items() if c is None and el == "CC_CHILDREN") == len(
        children
    )
    assert 60 <= len(children) <= 100  # about 80 children
    assert (
        kept.get((None, "CC_CHILDREN", "M_LT12"), 0) + kept.get((None, "CC_CHILDREN", "M12_35"), 0)
        == under_three
    )
    assert kept[(None, "CC_PLACES", "")] == places
    assert kept.get((None, "CC_CARERS", ""), 0) == carers.count()
    # The worker-members are the waste pickers: every member of the "catador" class.
    assert kept[(None, "CC_WORKERS", "worker_member")] == kinds["worker"]


def test_the_newest_creche_s_set_up_cost_reaches_the_network():
    """The creches' cooperative opened its thirteenth creche two months ago, after equipping it
    the month before: what that cost is the network's figure of what a centre costs to set up
    (the cooperative shares its money figures with it)."""
    assert demo_load(only={"shakti-creches"})
    coop = Organisation.objects.get(slug="shakti-creches")
    with scopes_disabled():
        newest = Centre.objects.filter(coop=coop).order_by("pk").last()
        opened = newest.opened_on
        kept = Value.objects.get(coop=coop, centre=newest, element="CC_SETUP_COST")
    assert kept.period == opened.strftime("%Y%m")
    assert kept.value == 750 * newest.licensed_capacity * 4 * 100  # INR, in paise
    analyst = get_user_model().objects.get(username="analyst.network")
    body = client_for(analyst).get("/f/care-coop-network/money/").content.decode()
    assert opened.strftime("%Y-%m") in body and escape(newest.coop.name) in body
