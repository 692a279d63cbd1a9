"""The API acts as one user in one cooperative: tokens, what each role sees, refusals."""

import datetime
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django_scopes import scope

from carecoop.api.access import token_digest
from carecoop.api.models import Token
from carecoop.care import services as care
from carecoop.testing import World, make_child

pytestmark = pytest.mark.django_db

BASE = "/api/v1/c/home-coop"


def token_for(world: World, role: str, coop: str = "home-coop") -> str:
    """A token made on the tokens page, as a user makes one."""
    client = world.client("outsider" if coop == "other-coop" else role)
    response = client.post(reverse("api_tokens", kwargs={"coop": coop}), {"name": f"{role} tool"})
    assert response.status_code == 201
    secret = response.context["secret"]
    assert secret.startswith("cc_")
    return str(secret)


def call(token: str, path: str, method: str = "get", **extra: Any) -> Any:
    client = Client()
    return getattr(client, method)(
        path if path.startswith("/api/") else BASE + path,
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **extra,
    )


def test_a_token_is_shown_once_and_kept_as_its_digest(world: World) -> None:
    secret = token_for(world, "manager")
    kept = Token.objects.get(user=world.users["manager"], org=world.home)
    assert kept.digest == token_digest(secret) and secret not in kept.digest
    page = world.client("manager").get(reverse("api_tokens", kwargs={"coop": "home-coop"}))
    assert secret not in page.content.decode()
    assert kept.prefix in page.content.decode()


def test_a_call_acts_as_the_token_user_in_its_cooperative(world: World) -> None:
    secret = token_for(world, "treasurer")
    answer = call(secret, "/me")
    assert answer.status_code == 200
    assert answer.json()["roles"] == ["treasurer"]
    assert answer.json()["cooperative"] == "home-coop"


def test_no_token_a_wrong_token_and_a_revoked_token_are_refused(world: World) -> None:
    assert Client().get(BASE + "/me").status_code == 401
    assert call("cc_not-a-token", "/me").status_code == 401
    assert call("nothing", "/me").status_code == 401
    secret = token_for(world, "manager")
    assert call(secret, "/me").status_code == 200
    kept = Token.objects.get(user=world.users["manager"], org=world.home)
    revoke = reverse("api_token_revoke", kwargs={"coop": "home-coop", "pk": kept.pk})
    # Another user cannot revoke it: it is not theirs to see.
    assert world.client("board").post(revoke).status_code == 404
    assert call(secret, "/me").status_code == 200
    world.client("manager").post(revoke)
    answer = call(secret, "/me")
    assert answer.status_code == 401
    assert answer.json()["detail"]


def test_another_cooperatives_token_is_not_found(world: World) -> None:
    theirs = token_for(world, "manager", coop="other-coop")
    assert call(theirs, "/api/v1/c/other-coop/me").status_code == 200
    for path in ("/me", "/members", f"/people/{world.person.pk}"):
        assert call(theirs, path).status_code == 404
    mine = token_for(world, "manager")
    assert call(mine, f"/people/{world.other_person.pk}").status_code == 404
    assert call(mine, f"/centres/{world.other_centre.pk}").status_code == 404


def test_a_role_taken_away_is_taken_from_its_tokens(world: World) -> None:
    secret = token_for(world, "auditor")
    assert call(secret, "/me").status_code == 200
    world.users["auditor"].carecoop_roles.all().delete()
    assert call(secret, "/me").status_code == 404


def test_fields_follow_the_roles_that_see_them(world: World) -> None:
    manager = call(token_for(world, "manager"), "/members").json()
    member = call(token_for(world, "member"), "/members").json()
    assert manager["count"] >= member["count"] >= 1
    assert any(m["phone"] for m in manager["items"])
    assert all(m["phone"] is None for m in member["items"])
    # A member sees her own household only.
    assert {m["person_id"] for m in member["items"]} == {world.person.pk}


def test_a_role_without_the_permission_is_refused(world: World) -> None:
    answer = call(token_for(world, "member"), "/ledger/trial-balance")
    assert answer.status_code == 403
    assert answer.json()["detail"]


def test_a_bad_parameter_is_named(world: World) -> None:
    answer = call(token_for(world, "manager"), "/households?page=zero")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "query.page"


@override_settings(CARECOOP_API_RATE=3)
def test_calls_are_throttled(world: World) -> None:
    cache.clear()
    secret = token_for(world, "manager")
    codes = [call(secret, "/me").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]


def test_the_openapi_document_and_its_page(world: World) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/c/{coop}/members" in document["paths"]
    page = Client().get(reverse("api_docs"))
    assert page.status_code == 200
    assert "/api/v1/c/{coop}/invoices/{pk}/payments" in page.content.decode()


def test_the_attendance_sync_needs_the_pages_csrf_token(world: World) -> None:
    client = world.client("facilitator")
    client.handler.enforce_csrf_checks = True
    body = json.dumps({"operations": []})
    refused = client.post(BASE + "/attendance/sync", body, content_type="application/json")
    assert refused.status_code == 403
    client.get(reverse("api_tokens", kwargs={"coop": "home-coop"}))
    csrf = client.cookies["csrftoken"].value
    done = client.post(
        BASE + "/attendance/sync", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert done.status_code == 200
    assert done.json() == {"results": []}


def test_a_centre_s_waitlist_is_ranked_as_its_page_ranks_it(world: World) -> None:
    with scope(coop=world.home.pk):
        children = [
            make_child(world.person, name, datetime.date(2024, 3, 1)) for name in ("Asha", "Bina")
        ]
        applied = [
            care.application_submit(
                child=child,
                centre=world.centre,
                by=None,
                applied_on=datetime.date(2025, 1, 1 + i),
                wanted_from=datetime.date(2025, 6, 1),
            )
            for i, child in enumerate(children)
        ]
    answer = call(token_for(world, "manager"), f"/centres/{world.centre.pk}/waitlist")
    assert answer.status_code == 200, answer.content
    items = answer.json()["items"]
    page = world.client("manager").get(f"/c/home-coop/centres/{world.centre.pk}/waitlist/")
    shown = [row.ranked.candidate.id for row, _application in page.context["rows"]]
    assert [i["application_id"] for i in items] == shown
    assert {i["application_id"] for i in items} >= {a.pk for a in applied}
    assert [i["position"] for i in items] == list(range(1, len(items) + 1))
    assert {i["child_id"] for i in items} >= {c.pk for c in children}
    member = call(token_for(world, "member"), f"/centres/{world.centre.pk}/waitlist")
    assert member.status_code in (403, 404)


REDIS = "redis://127.0.0.1:6379/15"


@pytest.mark.redis
def test_the_throttle_counts_in_the_cache_every_worker_shares(world: World) -> None:
    """With ``REDIS_URL`` set, the calls are counted in Redis, where every worker process of
    the site reads and adds to the same count."""
    import redis

    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    redis_cache = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
    }
    with override_settings(CACHES=redis_cache, CARECOOP_API_RATE=3):
        secret = token_for(world, "manager")
        codes = [call(secret, "/me").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    counts = [int(client.get(key)) for key in client.scan_iter("*carecoop:api:*")]
    assert counts == [4]
    client.flushdb()
