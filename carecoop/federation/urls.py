from django.urls import path

from carecoop.federation import views

app_name = "federation"
urlpatterns = [
    path("", views.overview, name="overview"),
]
