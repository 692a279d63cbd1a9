"""Every record a cooperative owns keeps its history (django-simple-history), or is named below
with the reason it needs none."""

from django.apps import apps
from simple_history.models import registered_models

from carecoop.core.models import CoopOwned

# The cooperative's records without a history table, each with the reason in words. "Never
# edited" leaves aside erasure (privacy.services.person_erase), which writes a person's name out
# of every record, these included.
WITHOUT_HISTORY: dict[str, str] = {
    "tenancy.RoleCentre": "part of a role, granted and ended with it; roles are global and "
    "have no history",
    "tenancy.RolePerson": "part of a role, granted and ended with it; roles are global and "
    "have no history",
    "core.Counter": "a running number of invoices, receipts, certificates or decisions: "
    "core.numbering only counts it up",
    "core.Upload": "a file as it was sent, never changed: what its import wrote is audited "
    "row by row in the registers it changed",
    "core.Submission": "written once, when a form's key is claimed, and completed in the same "
    "transaction with what the form recorded; never edited after",
    "accounts.PasswordResetLink": "a one-time secret that carries its own times: issued, then "
    "only expired early or used up",
    "billing.PaymentProvider": "a provider's name and the secret its calls are signed with: "
    "a new secret replaces the old, which must not be kept anywhere",
    "care.Closure": "append-only: added by closure_add, never edited or deleted",
    "care.Booking": "the plan for one child's day, replaced in place by booking_set; what "
    "happened that day is the attendance record",
    "care.SyncOperation": "append-only: the log of what a phone synced, kept to answer the same "
    "operation sent again",
    "members.StatusChange": "append-only: itself the history of a membership's status; only "
    "erasure blanks its reason",
    "staffing.Qualification": "append-only: added by qualification_add, never edited",
    "staffing.TrainingTopic": "append-only: added by training_topic_create, never edited",
    "staffing.TrainingSession": "append-only: added by training_session_create, never edited",
    "staffing.TrainingAttendance": "append-only: who attended a session, added once, never edited",
    "staffing.ShiftTemplate": "append-only: added by shift_template_create, never edited",
    "health.MealServed": "a tick per child, day and meal: meals_record adds and deletes ticks, "
    "never edits one",
    "governance.VoterCode": "the voter roll of a secret ballot: a history row's time and user "
    "would link a voter to the ballot box; issued once and marked used once",
    "governance.BallotEntry": "append-only: the ballot box, never edited, and without a time or "
    "a user on purpose, so that no ballot can be linked to its voter",
    "ledger.Entry": "append-only: a posted entry is never edited; a mistake is corrected by "
    "posting its reversal",
    "ledger.Line": "append-only: written with its entry, never edited",
    "ledger.MonthTotal": "the sum of a month's lines, added to by entry_post with each entry; "
    "the lines are the record",
    "billing.BillingRun": "the progress of a month's billing run, updated as it runs; the "
    "invoices it writes are the record",
    "billing.Invoice": "written in bulk by the billing run; what changes it afterwards (a "
    "payment, a waiver, a reversal) is a row of its own with who and when, and an entry in the "
    "ledger",
    "billing.InvoiceLine": "append-only: written with its invoice by the billing run, never edited",
    "billing.CentreMonth": "the sums of a centre's invoices in a month, added to by the billing "
    "run and every payment and waiver; the invoices and the ledger are the record",
    "billing.StatementImport": "append-only: one import of a provider's statement, written once",
    "billing.Reminder": "append-only: one reminder sent for an invoice, written once",
    "billing.Waiver": "append-only: a waiver granted on an invoice, written once by waiver_grant",
    "members.ViewLog": "append-only: who looked at a person's record, never edited",
    "privacy.Erasure": "append-only: the record that a person was erased, written once",
    "surveys.SurveyVersion": "a questionnaire's version as it was uploaded, with who and when, "
    "never changed: a changed form is a new version",
    "surveys.SmsConversation": "where a member is in a survey by text message: its answers so "
    "far become her response, recorded once and never edited; the messages are kept apart",
    "surveys.SmsReply": "append-only: a text message as it was received, kept once by the "
    "gateway's id",
    "federation.Value": "counted figures, replaced whole by the counting job from the records "
    "that keep their own history; never edited",
    "surveys.Response": "append-only: a submission recorded once, as it was sent, with who "
    "recorded it, when and through which channel; never edited after",
}


def cooperative_models() -> dict[str, type]:
    return {
        model._meta.label: model
        for model in apps.get_models()
        if issubclass(model, CoopOwned) and not model._meta.abstract
    }


def has_history(model: type) -> bool:
    return model._meta.db_table in registered_models or hasattr(model, "history")


def test_every_cooperative_record_keeps_its_history_or_says_why_not() -> None:
    models = cooperative_models()
    assert len(models) > 50
    without = sorted(
        label
        for label, model in models.items()
        if not has_history(model) and label not in WITHOUT_HISTORY
    )
    assert without == [], "Give these models a history, or say in WITHOUT_HISTORY why not"


def test_the_list_names_only_models_without_history() -> None:
    models = cooperative_models()
    stale = sorted(
        label for label in WITHOUT_HISTORY if label not in models or has_history(models[label])
    )
    assert stale == [], "These models have a history now, or are gone: take them off the list"
    assert all(reason.strip() for reason in WITHOUT_HISTORY.values())
