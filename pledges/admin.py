"""Back office for the pledge cycle: reference data (rating rules) and every record with its history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from party.models import Unit
from pledges.models import Plan, PlanDeed, Pledge, PledgeDeed, RatingLevel, RatingScale


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


class UnitCodeFilter(admin.SimpleListFilter):
    """A unit and its subtree: the top two levels are listed; any code works as ?unit=CODE."""

    title = "đơn vị (gồm đơn vị trực thuộc)"
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        top = Unit.objects.filter(depth__lte=2).order_by("path").values_list("code", "short_name")[:60]
        choices = [(code, f"{name} ({code})") for code, name in top]
        if self.value() and self.value() not in dict(choices):
            choices.append((self.value(), self.value()))
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        unit = Unit.objects.filter(code=self.value().strip().upper()).first()
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset.none()


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
    raw_id_fields = ["unit"]
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
    raw_id_fields = ["member", "unit"]
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
