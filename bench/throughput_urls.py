"""The product's URLs and one more, used only by the throughput benchmark: the smallest page a
signed-in user can be sent, through the same middleware and context processors as every page."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from carecoop.core.permissions import signed_in
from config.urls import urlpatterns as product_urlpatterns

TINY = engines["django"].from_string(
    '<!doctype html><html lang="en"><title>carecoop</title><p>{{ user.get_username }}</p></html>'
)


@signed_in
def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(TINY.render({}, request))


urlpatterns = [path("bench/minimal/", minimal, name="bench_minimal"), *product_urlpatterns]
