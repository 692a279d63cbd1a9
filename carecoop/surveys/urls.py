from django.urls import path

from carecoop.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("upload/", views.survey_upload, name="upload"),
]
