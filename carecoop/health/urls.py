from django.urls import path

from carecoop.health import views

app_name = "health"
urlpatterns = [
    path("children/<int:pk>/", views.child_health, name="child"),
    path("children/<int:pk>/measurements/new/", views.measurement_add, name="measurement_add"),
    path("children/<int:pk>/vaccinations/new/", views.vaccination_add, name="vaccination_add"),
    path("children/<int:pk>/referrals/new/", views.referral_add, name="referral_add"),
    path("referrals/<int:pk>/", views.referral_outcome, name="referral_outcome"),
    path("centres/<int:pk>/vaccinations/", views.centre_vaccinations, name="vaccinations"),
    path("centres/<int:pk>/growth/", views.centre_growth, name="growth"),
    path("centres/<int:pk>/meals/", views.centre_meals, name="meals"),
]
