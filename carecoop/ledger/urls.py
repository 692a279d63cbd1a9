from django.urls import path

from carecoop.core.exports import FORMATS
from carecoop.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.accounts, name="trial_balance"),
    *(
        path(
            f"trial-balance.{fmt}",
            views.trial_balance_export,
            {"fmt": fmt},
            name=f"trial_balance_{fmt}",
        )
        for fmt in FORMATS
    ),
    *(
        path(f"journal.{fmt}", views.journal_export, {"fmt": fmt}, name=f"journal_{fmt}")
        for fmt in FORMATS
    ),
    path("income/", views.income_statement, name="income_statement"),
    *(
        path(
            f"income.{fmt}",
            views.income_statement_export,
            {"fmt": fmt},
            name=f"income_statement_{fmt}",
        )
        for fmt in FORMATS
    ),
    path("balance-sheet/", views.balance_sheet, name="balance_sheet"),
    path("entries/", views.entries, name="entries"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("rates/", views.rates, name="rates"),
]
