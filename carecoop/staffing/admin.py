from django.contrib import admin

from carecoop.staffing.models import RatioRuleSet


@admin.register(RatioRuleSet)
class RatioRuleSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "jurisdiction", "version", "effective_from", "effective_to"]
