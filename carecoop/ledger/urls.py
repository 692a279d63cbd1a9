from django.urls import path

from carecoop.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.accounts, name="trial_balance"),
    path("income/", views.income_statement, name="income_statement"),
    path("balance-sheet/", views.balance_sheet, name="balance_sheet"),
    path("entries/", views.entries, name="entries"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("rates/", views.rates, name="rates"),
]
