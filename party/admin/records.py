"""Back office for work records: every record (deleted ones too, restorable) with its history."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from party.admin.base import SearchKeyMixin, UnitCodeFilter
from party.models import Conference, Document, Inspection, InspectionFinding, Meeting, Theme


class DeletedFilter(admin.SimpleListFilter):
    title = "trạng thái"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", "Đang dùng"), ("yes", "Đã xóa")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


class RecordAdmin(SearchKeyMixin, SimpleHistoryAdmin):
    """Shows deleted records too (marked), restores them, and bumps the version on every save
    so that an edit open in the browser at the same time is refused instead of overwriting."""

    list_filter = [DeletedFilter, UnitCodeFilter]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]  # units searched by code or name, not typed as raw ids
    readonly_fields = ["version", "created_at", "updated_at", "deleted_at", "deleted_by"]
    search_fields = ["search_text", "unit__code"]
    actions = ["restore"]

    def get_queryset(self, request):
        return self.model.all_objects.select_related("unit")

    def save_model(self, request, obj, form, change: bool) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    @admin.action(description="Khôi phục các bản ghi đã xóa được chọn")
    def restore(self, request, queryset) -> None:
        restored = 0
        for record in queryset.filter(deleted_at__isnull=False):
            record.restore()
            restored += 1
        messages.success(request, f"Đã khôi phục {restored} bản ghi.")

    @admin.display(description="đã xóa", boolean=True)
    def is_deleted(self, record) -> bool:
        return record.deleted_at is not None


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "start_year", "end_year"]
    list_filter = ["kind"]
    search_fields = ["title"]


@admin.register(Meeting)
class MeetingAdmin(RecordAdmin):
    list_display = [
        "held_on",
        "unit",
        "kind",
        "includes_directive",
        "attendance_present",
        "attendance_expected",
        "is_deleted",
    ]
    list_filter = ["kind", "includes_directive", *RecordAdmin.list_filter]
    date_hierarchy = "held_on"


class FindingInline(admin.TabularInline):
    model = InspectionFinding
    extra = 0
    fields = ["position", "content", "remedy", "deadline", "closed_on"]


@admin.register(Inspection)
class InspectionAdmin(RecordAdmin):
    list_display = ["started_on", "subject", "kind", "conducted_by", "unit", "about_directive", "is_deleted"]
    list_filter = ["kind", "conducted_by", "about_directive", *RecordAdmin.list_filter]
    date_hierarchy = "started_on"
    autocomplete_fields = ["unit", "target_units"]
    raw_id_fields = ["target_members"]
    inlines = [FindingInline]


@admin.register(Document)
class DocumentAdmin(RecordAdmin):
    list_display = ["issued_on", "number", "title", "kind", "unit", "is_deleted"]
    list_filter = ["kind", *RecordAdmin.list_filter]
    date_hierarchy = "issued_on"
    readonly_fields = [*RecordAdmin.readonly_fields, "file_original_name", "file_content_type", "file_size"]
    # The attached file is uploaded on the document's page, where its content is checked.
    exclude = ["file"]


@admin.register(Conference)
class ConferenceAdmin(RecordAdmin):
    list_display = ["held_on", "title", "kind", "unit", "participants", "is_deleted"]
    list_filter = ["kind", *RecordAdmin.list_filter]
    date_hierarchy = "held_on"
