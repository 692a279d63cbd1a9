from django.urls import path

from carecoop.setup import views

app_name = "setup"
urlpatterns = [
    path("setup/", views.setup, name="new"),
    path("f/<slug:org>/setup/", views.affiliate_setup, name="affiliate"),
]
