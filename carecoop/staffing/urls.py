from django.urls import path

from carecoop.core.registers import import_paths
from carecoop.staffing import views

app_name = "staffing"
urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("new/", views.staff_create, name="staff_create"),
    *import_paths("import", views.STAFF),
    path("pick/", views.pick, name="pick"),
    path("<int:pk>/", views.staff_detail, name="staff"),
    path("<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("<int:pk>/qualifications/new/", views.qualification_add, name="qualification_add"),
    path("training/", views.session_list, name="sessions"),
    path("training/new/", views.session_create, name="session_create"),
    path("training/topics/new/", views.topic_create, name="topic_create"),
    path("training/due/", views.training_due, name="training_due"),
    path("training/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("centres/<int:pk>/rules/", views.centre_settings, name="centre_settings"),
    path("centres/<int:pk>/shifts/", views.shifts, name="shifts"),
    path("centres/<int:pk>/roster/", views.roster, name="roster"),
    path("centres/<int:pk>/checkins/", views.checkins, name="checkins"),
    path("centres/<int:pk>/day/", views.day_view, name="day"),
    path("centres/<int:pk>/week/", views.week_view, name="week"),
    path("checkins/<int:pk>/out/", views.checkout, name="checkout"),
]
