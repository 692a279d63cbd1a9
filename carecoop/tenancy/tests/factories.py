import datetime

import factory

from carecoop.tenancy.models import Centre, Organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"coop-{n}")
    name = factory.Sequence(lambda n: f"Cooperative {n}")
    kind = "cooperative"
    ilo_type = "multi_stakeholder"
    country = "IN"
    city = "Ahmedabad"
    currency = "INR"
    languages = "gu,hi,en"
    time_zone = "UTC"  # Tests compare with the server's date; see test_time_zones.


class FederationFactory(OrganisationFactory):
    kind = "network"
    ilo_type = ""
    currency = "USD"
    country = "CH"


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    coop = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"centre-{n}")
    name = factory.Sequence(lambda n: f"Centre {n}")
    licensed_capacity = 30
    opens_at = datetime.time(9, 0)
    closes_at = datetime.time(17, 0)
