from datetime import UTC, datetime

import factory

from carecoop.harvest.models import HarvestedCentre, Source


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://carecoop{n}.example.org/hsds")


class HarvestedCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HarvestedCentre

    source = factory.SubFactory(SourceFactory)
    service_id = factory.Faker("uuid4")
    name = factory.Sequence(lambda n: f"Creche {n}")
    organisation = "Cooperativa Mãos Unidas"
    city = "Recife"
    country = "BR"
    latitude = -8.05
    longitude = -34.9
    last_seen = datetime(2026, 12, 1, 9, tzinfo=UTC)
