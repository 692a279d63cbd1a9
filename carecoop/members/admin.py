from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from carecoop.members.models import Household, MemberClass, Membership, Person, WorkRecord


@admin.register(MemberClass)
class MemberClassAdmin(SimpleHistoryAdmin):
    list_display = ["name", "coop", "may_vote", "vote_weight_percent"]
    list_filter = ["coop"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["family_name", "given_name", "coop", "date_of_birth"]
    list_filter = ["coop"]
    search_fields = ["search_text"]
    raw_id_fields = ["household"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["number", "person", "coop", "member_class", "status"]
    list_filter = ["coop", "status"]
    raw_id_fields = ["person"]


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["name", "coop", "centre"]
    list_filter = ["coop"]


@admin.register(WorkRecord)
class WorkRecordAdmin(SimpleHistoryAdmin):
    list_display = ["person", "coop", "occupation", "formality"]
    raw_id_fields = ["person"]
