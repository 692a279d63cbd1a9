from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.i18n import set_language as django_set_language

from carecoop.core.permissions import public, signed_in
from carecoop.directory import selectors


@public
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/landing.html", {"cooperatives": selectors.public_directory()})


login = public(auth_views.LoginView.as_view(redirect_authenticated_user=True))
logout = signed_in(auth_views.LogoutView.as_view())
set_language = public(django_set_language)
