"""What the back office's modules share: the diacritic-free search and the unit filter."""

from django.contrib import admin

from party.models import Unit
from party.text import search_key


class SearchKeyMixin:
    """Search the stored diacritic-free keys with the typed text folded the same way."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_key(search_term))


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
