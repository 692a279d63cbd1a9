from django.urls import path

from carecoop.tenancy import views

urlpatterns = [
    path("home/", views.home, name="home"),
]
