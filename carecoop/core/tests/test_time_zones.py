import datetime
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_today_is_the_cooperatives_own(world, zone):
    """UTC+14 and UTC-11 are always on different dates: each page uses the cooperative's."""
    world.home.time_zone = zone
    world.home.save()
    body = world.client("manager").get(f"/c/home-coop/centres/{world.centre.pk}/attendance/")
    expected = datetime.datetime.now(ZoneInfo(zone)).date()
    assert f'data-date="{expected.isoformat()}"' in body.content.decode()
