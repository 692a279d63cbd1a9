from django.urls import path

from carecoop.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("directory/", views.directory, name="directory"),
    path("directory/map.geojson", views.map_geojson, name="geojson"),
    path("directory/map.svg", views.map_svg, name="outline"),
    path("d/<slug:coop>/", views.cooperative, name="cooperative"),
    path("d/<slug:coop>/<slug:code>/", views.centre, name="centre"),
    path("hsds/", views.hsds_root, name="hsds"),
    path("hsds/profile.json", views.hsds_profile, name="hsds_profile"),
    path("hsds/services", views.hsds_services, name="hsds_services"),
    path("hsds/services/<uuid:id>", views.hsds_service, name="hsds_service"),
    path("hsds/organizations", views.hsds_organizations, name="hsds_organizations"),
    path("hsds/organizations/<uuid:id>", views.hsds_organization, name="hsds_organization"),
    path("hsds/datapackage.zip", views.hsds_package, name="hsds_package"),
    path("murmurations/<slug:coop>.json", views.murmurations, name="murmurations"),
]

# The cooperative's own page of what it publishes (``c/<coop>/directory/``).
coop_patterns = [
    path("", views.choices, name="choices"),
    path("centres/<int:pk>/", views.centre_choices, name="centre_choices"),
]
