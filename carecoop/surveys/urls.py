from django.urls import path

from carecoop.core.exports import file_paths
from carecoop.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("upload/", views.survey_upload, name="upload"),
    path("care-impact/", views.care_impact_ship, name="care_impact"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/rounds/new/", views.round_create, name="round_create"),
    path("<int:pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/fill/", views.round_fill, name="fill"),
    path("rounds/<int:pk>/import/", views.round_import, name="import"),
    path("rounds/<int:pk>/sms/", views.round_sms, name="sms"),
    *file_paths("rounds/<int:pk>/figures", views.round_figures, "figures"),
    path("rounds/<int:pk>/datapackage.zip", views.round_package, name="datapackage"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
]
