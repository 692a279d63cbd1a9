import datetime

import pytest
from django.core.exceptions import ValidationError

from carecoop.tenancy.services import affiliation_create, organisation_create
from carecoop.testing import grant

pytestmark = pytest.mark.django_db


def test_a_user_with_roles_in_two_cooperatives_chooses_in_the_url(world):
    user = world.users["board"]
    grant(user, world.other, "auditor")
    client = world.client("board")
    home = client.get("/home/").content.decode()
    assert "Home Cooperative" in home and "Other Cooperative" in home
    assert "Secretname" in client.get("/c/other-coop/members/").content.decode()
    assert "Secretname" not in client.get("/c/home-coop/members/").content.decode()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"currency": "RUPEE"}, "currency"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"languages": "klingon"}, "languages"),
        ({"ilo_type": ""}, "__all__"),
    ],
)
def test_organisations_use_standard_codes(fields, field):
    base = {
        "slug": "new-coop",
        "name": "New",
        "kind": "cooperative",
        "ilo_type": "worker",
        "country": "BR",
        "currency": "BRL",
        "languages": "pt-br",
        "time_zone": "America/Sao_Paulo",
    }
    with pytest.raises(ValidationError) as error:
        organisation_create(**{**base, **fields})
    assert field in error.value.message_dict


def test_a_cooperative_affiliates_to_a_federation_with_dates(world):
    with pytest.raises(ValidationError):
        affiliation_create(
            member=world.home, parent=world.other, started_on=datetime.date(2020, 1, 1)
        )
    with pytest.raises(ValidationError):
        affiliation_create(
            member=world.home,
            parent=world.federation,
            started_on=datetime.date(2020, 1, 1),
            ended_on=datetime.date(2019, 1, 1),
        )
    affiliation_create(
        member=world.home, parent=world.federation, started_on=datetime.date(2020, 1, 1)
    )


def test_a_facilitator_cannot_be_given_another_cooperatives_centre(world):
    from carecoop.testing import make_user

    with pytest.raises(ValidationError):
        grant(make_user("f2"), world.home, "facilitator", centres=[world.other_centre])


def test_roles_belong_to_the_kind_of_organisation(world):
    from carecoop.testing import make_user

    with pytest.raises(ValidationError):
        grant(make_user("x1"), world.federation, "treasurer")
    with pytest.raises(ValidationError):
        grant(make_user("x2"), world.home, "analyst")
