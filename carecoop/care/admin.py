from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from carecoop.care.models import Centre


@admin.register(Centre)
class CentreAdmin(SimpleHistoryAdmin):
    list_display = ["name", "coop", "licensed_capacity", "opens_at", "closes_at"]
    list_filter = ["coop"]
