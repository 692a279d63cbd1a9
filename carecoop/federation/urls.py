from django.urls import path

from carecoop.federation import views

app_name = "federation"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("money/", views.money, name="money"),
    path("care/<slug:coop>/", views.centres, name="centres"),
    path("statistics.csv", views.statistics_csv, name="statistics_csv"),
    path("statistics.zip", views.datapackage, name="datapackage"),
    path("dhis2/dataValueSets.json", views.data_values, name="data_values"),
    path("dhis2/metadata.json", views.metadata, name="metadata"),
    *(
        path(f"{topic}/", views.topic, {"topic": topic}, name=topic)
        for topic in ("members", "work", "care")
    ),
]
