from django.contrib import admin
from django.urls import include, path

from carecoop.accounts import views as account_views
from carecoop.core import permissions
from carecoop.directory import urls as directory_urls
from carecoop.directory import views as directory_views

handler400 = "carecoop.core.views.bad_request"

admin.site.has_permission = permissions.admin_has_permission  # type: ignore[method-assign]

urlpatterns = [
    path("", include("carecoop.directory.urls")),
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path("", include("carecoop.accounts.urls")),
    path("i18n/setlang/", directory_views.set_language, name="set_language"),
    path("", include("carecoop.tenancy.urls")),
    path("", include("carecoop.dashboard.urls")),
    path("c/<slug:coop>/members/", include("carecoop.members.urls")),
    path("c/<slug:coop>/centres/", include("carecoop.care.urls")),
    path("c/<slug:coop>/staff/", include("carecoop.staffing.urls")),
    path("c/<slug:coop>/health/", include("carecoop.health.urls")),
    path("c/<slug:coop>/capital/", include("carecoop.capital.urls")),
    path("c/<slug:coop>/governance/", include("carecoop.governance.urls")),
    path("c/<slug:coop>/ledger/", include("carecoop.ledger.urls")),
    path("c/<slug:coop>/billing/", include("carecoop.billing.urls")),
    path("c/<slug:coop>/funding/", include("carecoop.funding.urls")),
    path("c/<slug:coop>/surveys/", include("carecoop.surveys.urls")),
    path("c/<slug:coop>/protection/", include("carecoop.protection.urls")),
    path("c/<slug:coop>/privacy/", include("carecoop.privacy.urls")),
    path("c/<slug:coop>/federations/", include("carecoop.federation.coop_urls")),
    path(
        "c/<slug:coop>/directory/",
        include((directory_urls.coop_patterns, "publish")),
    ),
    path("f/<slug:org>/", include("carecoop.federation.urls")),
    path("", include("carecoop.api.urls")),
    path("", include("carecoop.setup.urls")),
    path("admin/", admin.site.urls),
]
