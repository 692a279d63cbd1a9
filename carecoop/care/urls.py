from django.urls import path

from carecoop.care import views
from carecoop.core.exports import file_paths
from carecoop.core.registers import import_paths

app_name = "care"
urlpatterns = [
    path("", views.centre_list, name="centre_list"),
    path("new/", views.centre_create, name="centre_create"),
    *import_paths("import", views.CENTRES),
    *import_paths("rooms/import", views.ROOMS),
    *import_paths("collectors/import", views.COLLECTORS),
    *file_paths("children", views.children_export, "children"),
    path("<int:pk>/edit/", views.centre_edit, name="centre_edit"),
    path("<int:pk>/rooms/new/", views.room_add, name="room_add"),
    path("<int:pk>/pools/new/", views.pool_add, name="pool_add"),
    path("pools/<int:pk>/", views.pool_detail, name="pool"),
    path("<int:pk>/closures/new/", views.closure_add, name="closure_add"),
    path("<int:pk>/hours/", views.hours_edit, name="hours"),
    path("<int:pk>/priorities/", views.priorities_edit, name="priorities"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("<int:pk>/", views.centre_detail, name="centre"),
    path("<int:pk>/waitlist/", views.waitlist, name="waitlist"),
    path("<int:pk>/allocate/", views.allocate, name="allocate"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/register/", views.register, name="register"),
    *file_paths("<int:pk>/register", views.register_export, "register"),
    path("applications/<int:pk>/answer/", views.offer_answer, name="offer_answer"),
    path("enrolments/<int:pk>/move/", views.enrolment_move, name="enrolment_move"),
    path("children/<int:pk>/", views.child_detail, name="child"),
    path("children/<int:pk>/bookings/new/", views.booking_add, name="booking_add"),
    path("children/<int:pk>/collectors/new/", views.collector_add, name="collector_add"),
    path("children/<int:pk>/care/", views.profile_edit, name="profile_edit"),
]
