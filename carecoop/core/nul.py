"""NUL characters are refused at the door.

No form of carecoop sends one, no database text column stores one (PostgreSQL refuses them), and
a few views read a query parameter or a posted value directly. So a request whose query string
or posted form fields hold a NUL is answered 400 before any view runs, and nothing is written.
Forms sent as multipart (those with a file) are left to their fields, which refuse a NUL, so that
the upload is not read here; uploaded files and JSON bodies are checked where they are read
(statement import, attendance sync)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def holds_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    sources = [request.GET]
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        sources.append(request.POST)
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for source in sources
        for key, values in source.lists()
    )


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if holds_nul(request):
            if request.path_info.startswith("/api/"):  # The API answers every refusal in JSON.
                detail = _("The request holds a NUL character, which no value may hold.")
                return JsonResponse({"detail": detail, "errors": []}, status=400)
            return render(request, "400.html", status=400)
        return self.get_response(request)
