"""A facilitator sees a child through the child's current enrolment at one of her centres."""

import datetime

from django_scopes import scope

from carecoop.care.models import Enrolment
from carecoop.testing import make_child


def test_a_facilitator_loses_a_child_who_left_her_centre(world, creche):
    # Kokila's household uses the other centre; her son came to the facilitator's centre.
    with scope(coop=world.home.pk):
        child = make_child(
            world.elsewhere.person, "Ravi", creche.today - datetime.timedelta(days=365 * 3)
        )
        enrolment = creche.enrol(child=child)
    client = world.client("facilitator")
    url = f"/c/home-coop/centres/children/{child.pk}/"
    assert client.get(url).status_code == 200
    assert client.get(f"/c/home-coop/health/children/{child.pk}/").status_code == 200
    with scope(coop=world.home.pk):
        Enrolment.objects.filter(pk=enrolment.pk).update(
            ends_on=creche.today - datetime.timedelta(days=1)
        )
    assert client.get(url).status_code == 404
    assert client.get(f"/c/home-coop/health/children/{child.pk}/").status_code == 404
    assert client.get(f"/c/home-coop/members/{child.pk}/").status_code == 404
    # The manager still finds the child and the enrolment that ended.
    assert world.client("manager").get(url).status_code == 200
