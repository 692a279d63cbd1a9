"""The demo staff load. The demo's caller (``demo.services._load_care``) will call
``carecoop.demo.staffing.load`` once the care data exist; here the centres, rooms and hours of the
demo cooperatives are made directly (the whole demo takes half a minute)."""

import random

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_scopes import scope

from carecoop.care import services as care
from carecoop.care.models import Room
from carecoop.demo import data
from carecoop.demo import staffing as demo_staffing
from carecoop.staffing import selectors
from carecoop.staffing.models import (
    CentreStaffing,
    RosterEntry,
    ShiftTemplate,
    Staff,
    TrainingAttendance,
    TrainingSession,
)
from carecoop.tenancy import services as tenancy
from carecoop.tenancy.models import Centre

pytestmark = pytest.mark.django_db


def _cooperative(fields, by):
    coop = tenancy.organisation_create(**fields)
    with scope(coop=coop.pk):
        for centre_fields in data.CENTRES[coop.slug][:3]:
            centre = Centre.objects.create(coop=coop, **centre_fields)
            key = "ahd" if centre.code.startswith("ahd-") else centre.code
            for name, youngest, oldest, places in data.ROOMS[key]:
                Room.objects.create(
                    coop=coop,
                    centre=centre,
                    name=name,
                    min_age_months=youngest,
                    max_age_months=oldest,
                    capacity=places,
                )
            for weekday, opens, closes in data.HOURS.get(key, []):
                care.opening_hours_set(
                    centre=centre, by=by, weekday=weekday, opens_at=opens, closes_at=closes
                )
    return coop


def test_demo_staff_for_the_three_cooperatives():
    by = get_user_model().objects.create_user("admin")
    today = timezone.localdate()
    rng = random.Random(7)
    for fields in data.COOPERATIVES:
        coop = _cooperative(fields, by)
        with scope(coop=coop.pk):
            demo_staffing.load(coop, by, rng, today)
            assert RosterEntry.objects.exists()
            assert TrainingSession.objects.count() >= 4
            assert TrainingAttendance.objects.exists()
            if coop.slug == "recicla-bh":
                centre = Centre.objects.get()
                assert Staff.objects.filter(centre=centre).count() == 27
                assert ShiftTemplate.objects.filter(centre=centre).count() == 4
                settings = CentreStaffing.objects.get(centre=centre)
                assert settings.legal_rule_set.code == "br-mec-2006"
                week = selectors.coverage(centre=centre, days=selectors.week_of(today))
                assert len(week.rooms) == 4
                assert len([d for d in week.days if d.hours]) >= 5
            if coop.slug == "shakti-creches":
                assert Staff.objects.count() == 3 * Centre.objects.count()
                assert set(Staff.objects.values_list("role", flat=True)) == {
                    "care_worker",
                    "helper",
                }
            if coop.slug == "manos-unidas":
                settings = CentreStaffing.objects.get(centre__code="centro-infantil")
                assert settings.legal_rule_set is None
                assert settings.target_rule_set.code == "us-cfoc-4"
