from django.urls import path

from carecoop.care import views

app_name = "care"
urlpatterns = [
    path("", views.centre_list, name="centre_list"),
]
