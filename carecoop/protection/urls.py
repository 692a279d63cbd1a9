from django.urls import path

from carecoop.protection import views

app_name = "protection"
urlpatterns = [
    path("", views.step_list, name="steps"),
    path("steps/new/", views.step_new, name="step_new"),
    path("steps/<int:pk>/remove/", views.step_remove, name="step_remove"),
    path("households/<int:pk>/", views.household, name="household"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/new/", views.scheme_edit, name="scheme_new"),
    path("schemes/<int:pk>/", views.scheme_edit, name="scheme_edit"),
    path("indicators/", views.indicator_page, name="indicators"),
]
