"""Back office for the pledge cycle: reference data (rating rules) and every record with its history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from party.admin.base import UnitCodeFilter
from party.admin.records import RecordAdmin
from pledges.models import (
    Award,
    AwardForm,
    AwardIssuer,
    GoodPractice,
    Plan,
    PlanDeed,
    Pledge,
    PledgeDeed,
    RatingLevel,
    RatingScale,
)


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0
    fields = ["position", "name", "min_score"]


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "uses_score"]
    search_fields = ["name"]
    inlines = [RatingLevelInline]


class YearFilter(admin.SimpleListFilter):
    title = "năm"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).order_by("-year").values_list("year", flat=True).distinct()
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        return queryset.filter(year=self.value()) if self.value() else queryset


class PlanDeedInline(admin.TabularInline):
    model = PlanDeed
    extra = 0
    fields = ["position", "content", "target", "deadline"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "unit", "year", "document_number", "document_date"]
    list_filter = [YearFilter, UnitCodeFilter]
    list_select_related = ["unit"]
    search_fields = ["title", "unit__code", "unit__search_name", "document_number"]
    autocomplete_fields = ["unit"]
    inlines = [PlanDeedInline]


class PledgeDeedInline(admin.TabularInline):
    model = PledgeDeed
    extra = 0
    fields = ["position", "content", "target", "deadline", "done"]


@admin.register(Pledge)
class PledgeAdmin(SimpleHistoryAdmin):
    list_display = ["member", "unit", "year", "status", "rating", "score"]
    list_filter = [YearFilter, "status", UnitCodeFilter]
    list_select_related = ["member", "unit", "rating"]
    search_fields = ["member__search_name", "member__party_card_number", "unit__code"]
    raw_id_fields = ["member"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["version", "evaluated_at", "created_at", "updated_at"]
    inlines = [PledgeDeedInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "rating":
            kwargs["queryset"] = RatingLevel.objects.select_related("scale")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "rating":
            # The same four level names exist under every rule: show which rule.
            field.label_from_instance = lambda level: f"{level.name} — {level.scale.name}"
        return field


@admin.register(AwardForm)
class AwardFormAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(AwardIssuer)
class AwardIssuerAdmin(admin.ModelAdmin):
    list_display = ["name", "retired_on", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Retire an issuer from a date instead: old awards keep it.
        return False


@admin.register(Award)
class AwardAdmin(RecordAdmin):
    list_display = ["decision_date", "__str__", "form", "issuer", "decision_number", "unit", "is_deleted"]
    list_filter = ["form__category", "form", "issuer", "programme", *RecordAdmin.list_filter]
    list_select_related = ["unit", "form", "issuer", "recipient_unit", "recipient_member"]
    date_hierarchy = "decision_date"
    autocomplete_fields = ["recipient_unit"]  # `unit` is derived from the recipient: read-only
    raw_id_fields = ["recipient_member"]
    readonly_fields = [*RecordAdmin.readonly_fields, "unit", "was_party_member"]

    def save_model(self, request, obj: Award, form, change: bool) -> None:
        obj.fill_recipient_facts()
        super().save_model(request, obj, form, change)


@admin.register(GoodPractice)
class GoodPracticeAdmin(RecordAdmin):
    list_display = ["year", "title", "kind", "unit", "is_deleted"]
    list_filter = ["kind", *RecordAdmin.list_filter]
    autocomplete_fields = ["unit", "units_involved", "replicated_to"]
    raw_id_fields = ["people"]
