from django.urls import path

from carecoop.dashboard import views

urlpatterns = [
    path("c/<slug:coop>/", views.dashboard, name="dashboard"),
]
