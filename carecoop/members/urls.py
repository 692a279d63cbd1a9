from django.urls import path

from carecoop.core.exports import file_paths
from carecoop.core.registers import import_paths
from carecoop.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    *file_paths("register", views.member_export, "export"),
    path("new/", views.member_create, name="create"),
    *import_paths("import", views.MEMBERS),
    # The children's register, through the same pages.
    *import_paths("children/import", views.CHILDREN),
    path("classes/", views.class_list, name="classes"),
    path("classes/new/", views.class_edit, name="class_create"),
    path("classes/<int:pk>/", views.class_edit, name="class_edit"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/status/", views.membership_status, name="status"),
    path("<int:pk>/children/new/", views.child_add, name="child_add"),
    path("<int:pk>/work/", views.work_edit, name="work"),
    *[
        path(f"pick/{kind}/", views.pick, {"kind": kind}, name=f"pick_{kind}")
        for kind in ("members", "memberships", "people", "children", "households")
    ],
]
