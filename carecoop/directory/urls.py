from django.urls import path

from carecoop.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.landing, name="landing"),
]
