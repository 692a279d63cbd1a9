from django.urls import path

from carecoop.core.exports import file_paths
from carecoop.core.registers import import_paths
from carecoop.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.accounts, name="trial_balance"),
    *file_paths("trial-balance", views.trial_balance_export, "trial_balance"),
    *file_paths("journal", views.journal_export, "journal"),
    path("income/", views.income_statement, name="income_statement"),
    *file_paths("income", views.income_statement_export, "income_statement"),
    path("balance-sheet/", views.balance_sheet, name="balance_sheet"),
    path("entries/", views.entries, name="entries"),
    path("entries/new/", views.entry_new, name="entry_new"),
    *import_paths("opening-balances/import", views.OPENING_BALANCES),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("rates/", views.rates, name="rates"),
]
