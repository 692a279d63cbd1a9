"""The demonstration's register of social protection: the Brazilian cooperative's schemes, and
about 58 % of its families reaching a public service and 43 % an insurance, as the organising
project in the seeds reported; the share grew over the year."""

import pytest
from django.utils import timezone
from django_scopes import scope

from carecoop.demo import protection as demo
from carecoop.demo.services import demo_load
from carecoop.protection import selectors
from carecoop.protection.models import Scheme, SchemeStep
from carecoop.tenancy.models import Organisation
from carecoop.tenancy.selectors import access_for

pytestmark = pytest.mark.django_db


def test_the_demonstration_s_families_reach_public_services_and_insurance():
    assert demo_load(only={"recicla-bh"})
    coop = Organisation.objects.get(slug="recicla-bh")
    from django.contrib.auth import get_user_model

    manager = get_user_model().objects.get(username="manager.recicla")
    access = access_for(user=manager, slug=coop.slug, cooperative=True)
    with scope(coop=coop.pk):
        names = set(Scheme.objects.values_list("name", flat=True))
        assert names == {name for name, _kind, _part in demo.SCHEMES["recicla-bh"]}
        assert SchemeStep.objects.count() > 100
        found = selectors.indicators(access=access, on=timezone.localdate())
    lines = {line.key: line for line in found.lines}
    public = lines["kind:public"].now
    insured = lines["kind:pension"].now  # the INSS is the families' insurance in Brazil
    assert public.families and public.families >= 100
    assert public.estimate.value == pytest.approx(0.58, abs=0.01)
    assert insured.estimate.value == pytest.approx(0.43, abs=0.01)
    a_year_ago = lines["kind:public"].shares[0]
    assert a_year_ago.with_access < public.with_access
