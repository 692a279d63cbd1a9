from django.urls import path

from carecoop.tenancy import views

urlpatterns = [
    path("home/", views.home, name="home"),
    path("c/<slug:coop>/names/", views.name_order, name="name_order"),
    path("c/<slug:coop>/archive.zip", views.archive, name="archive"),
]
