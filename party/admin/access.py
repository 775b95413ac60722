"""Back office for the access log: read-only, filtered by member, kind, unit and a date range, so
"who viewed or exported member X between two dates" is one changelist URL (linked from the member's
admin page as "Nhật ký truy cập")."""

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Q, QuerySet
from django.utils import timezone

from party.admin.base import SearchKeyMixin, UnitCodeFilter
from party.models import AccessEvent, Member, Unit

# Events that carry no member but hand over a list of a unit's people.
UNIT_LIST_KINDS = [AccessEvent.Kind.EXPORT, AccessEvent.Kind.PRINT]


def _last(value):
    return value[-1] if isinstance(value, list) else value


class MemberFilter(admin.SimpleListFilter):
    """?member=<pk>: events about the person, plus the exports and prints of the lists of every
    unit they have belonged to and of those units' parents (the lists that may have held them),
    aggregate-only exports left out."""

    title = "đảng viên"
    parameter_name = "member"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value or not value.isdigit():
            return []
        member = Member.objects.filter(pk=value).first()
        return [(value, str(member) if member else f"#{value}")]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        member = Member.objects.filter(pk=value).first()
        if member is None:
            return queryset.filter(member_id=value)
        paths = {member.unit.path, *member.memberships.values_list("unit__path", flat=True)}
        prefixes = {path[:end] for path in paths for end in range(Unit.steplen, len(path) + 1, Unit.steplen)}
        full_lists = Q(details__aggregate_only=False) | ~Q(details__has_key="aggregate_only")
        unit_lists = Q(member__isnull=True, kind__in=UNIT_LIST_KINDS, unit__path__in=prefixes) & full_lists
        return queryset.filter(Q(member=member) | unit_lists)


class DateRangeFilter(admin.ListFilter):
    """?at_from=YYYY-MM-DD&at_to=YYYY-MM-DD, both days included, in local time."""

    title = "khoảng ngày"
    template = "admin/party/accessevent/date_range_filter.html"
    parameters = ("at_from", "at_to")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.parameters:
            if name in params:
                self.used_parameters[name] = _last(params.pop(name))

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return list(self.parameters)

    def _day(self, name: str) -> datetime.datetime | None:
        value = self.used_parameters.get(name)
        if not value:
            return None
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError as error:
            raise IncorrectLookupParameters(value) from error
        if name == "at_to":
            day += datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        start, end = self._day("at_from"), self._day("at_to")
        if start is not None:
            queryset = queryset.filter(at__gte=start)
        if end is not None:
            queryset = queryset.filter(at__lt=end)
        return queryset

    def choices(self, changelist):
        kept = [
            (name, value)
            for name, values in changelist.params.items()
            if name not in self.parameters and name != "p"
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "kept": kept,
            "at_from": self.used_parameters.get("at_from", ""),
            "at_to": self.used_parameters.get("at_to", ""),
        }


@admin.register(AccessEvent)
class AccessEventAdmin(SearchKeyMixin, admin.ModelAdmin):
    list_display = ["at", "kind", "username", "member", "unit", "address", "path", "summary"]
    list_filter = ["kind", DateRangeFilter, MemberFilter, UnitCodeFilter]
    list_select_related = ["member", "unit"]
    search_fields = ["username", "member__search_name", "member__party_card_number"]
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False  # no COUNT(*) of the whole log on every page

    @admin.display(description="chi tiết")
    def summary(self, event: AccessEvent) -> str:
        return "; ".join(f"{key}: {value}" for key, value in event.details.items())

    # Append-only: entries are read here and deleted only by `manage.py purge_access_log`.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
