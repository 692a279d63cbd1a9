from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from carecoop.tenancy.models import Affiliation, Centre, Organisation, Role


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ilo_type", "country", "currency", "is_public"]
    list_filter = ["kind", "ilo_type", "country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["member", "parent", "started_on", "ended_on"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "org", "role"]
    list_filter = ["role", "org"]


@admin.register(Centre)
class CentreAdmin(SimpleHistoryAdmin):
    list_display = ["name", "coop", "licensed_capacity", "opens_at", "closes_at"]
    list_filter = ["coop"]
