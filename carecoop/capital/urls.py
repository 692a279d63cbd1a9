from django.urls import path

from carecoop.capital import views
from carecoop.core.registers import import_paths

app_name = "capital"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("classes/new/", views.share_class_create, name="class_create"),
    path("classes/<int:pk>/limits/", views.limit_set, name="limit_set"),
    path("subscriptions/new/", views.subscription_create, name="subscription_create"),
    *import_paths("import", views.CAPITAL),
    path("subscriptions/<int:pk>/", views.subscription_detail, name="subscription"),
    path("payments/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("members/<int:pk>/", views.member_capital, name="member"),
    path("transfers/new/", views.transfer_create, name="transfer_create"),
    path("redemptions/new/", views.redemption_create, name="redemption_create"),
]
