from django.urls import path

from carecoop.privacy import views

app_name = "privacy"
urlpatterns = [
    path("views/", views.view_log, name="view_log"),
    path("people/<int:pk>/views/", views.person_view_log, name="person_view_log"),
    path("people/<int:pk>/export/", views.person_export, name="export"),
    path("people/<int:pk>/erase/", views.person_erase, name="erase"),
]
