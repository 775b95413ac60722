"""Back office for report exports: read-only, to follow or diagnose background exports."""

from django.contrib import admin

from reports.models import ReportExport


@admin.register(ReportExport)
class ReportExportAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "requested_by",
        "unit",
        "first_year",
        "last_year",
        "aggregate_only",
        "status",
    ]
    list_filter = ["status", "aggregate_only"]
    list_select_related = ["requested_by", "unit"]
    search_fields = ["unit__code", "unit__short_name", "requested_by__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
