from django.urls import path

from carecoop.funding import views

app_name = "funding"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("centres/<int:pk>/", views.centre_dashboard, name="centre"),
    path("what-if/", views.what_if, name="what_if"),
    path("planner/", views.planner, name="planner"),
    path("funders/", views.funder_list, name="funders"),
    path("funders/new/", views.funder_new, name="funder_new"),
    path("grants/new/", views.grant_new, name="grant_new"),
    path("grants/<int:pk>/", views.grant_detail, name="grant"),
    path("grants/<int:pk>/disburse/", views.disburse, name="disburse"),
    path("expenses/", views.expense_list, name="expenses"),
    path("expenses/new/", views.expense_new, name="expense_new"),
    path("expenses/<int:pk>/reverse/", views.expense_reverse, name="expense_reverse"),
    path(
        "disbursements/<int:pk>/reverse/", views.disbursement_reverse, name="disbursement_reverse"
    ),
    path("budgets/", views.budgets, name="budgets"),
]
