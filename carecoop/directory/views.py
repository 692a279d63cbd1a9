from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.i18n import set_language as django_set_language

from carecoop.core.permissions import public
from carecoop.directory import selectors


@public
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/landing.html", {"cooperatives": selectors.public_directory()})


set_language = public(django_set_language)
