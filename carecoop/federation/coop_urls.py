from django.urls import path

from carecoop.federation import views

app_name = "federation_sharing"
urlpatterns = [
    path("", views.sharing, name="sharing"),
]
