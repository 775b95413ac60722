"""The review report page, its print view, and the lists of plans and registrations behind it."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from party.models import PartyStatus, Unit, UnitKind
from party.years import current_year
from pledges.models import AwardCategory, Plan, Pledge
from reports import charts
from reports.forms import ReportForm, SpanForm, default_unit
from reports.layout import (
    BREAKDOWN_COLUMNS,
    RECOGNITION_TITLES,
    Column,
    breakdown_row,
    formal_heading,
    rating_table,
    span_label,
    summary_sections,
)
from reports.narrative import narrative
from reports.queries import is_party_member
from reports.totals import ReportTotals, report_totals

LIST_PAGE_SIZE = 100


def _chosen(request: HttpRequest, form_class) -> tuple[object, Unit | None, int, int]:
    """The bound form and, when it is valid, the unit and years; a unit out of scope is 404."""
    if not request.GET:
        unit = default_unit(request.user)
        year = current_year()
        return form_class(user=request.user, initial={"unit": unit}), unit, year, year
    form = form_class(request.GET, user=request.user)
    if not form.is_valid():
        form.check_unit_in_scope()
        return form, None, 0, 0
    first, last = form.span()
    return form, form.cleaned_data["unit"], first, last


def report_span(unit: Unit, first: int, last: int) -> dict:
    """The report page's parameters for a unit and span: the one source of every link back to a
    report, its print view and a child's report (`{% querystring report_span %}`)."""
    return {"unit": unit.pk, "span_choice": "custom", "year_from": first, "year_to": last}


def report_context(totals: ReportTotals, *, links: bool = True) -> dict:
    unit = totals.unit
    return {
        "totals": totals,
        "report_span": report_span(unit, totals.first_year, totals.last_year),
        "links": links,
        "unit": unit,
        "span_label": span_label(totals.first_year, totals.last_year),
        "heading": formal_heading(unit, totals.first_year, totals.last_year),
        "narrative": narrative(totals),
        "sections": summary_sections(totals, links=links),
        "columns": BREAKDOWN_COLUMNS,
        "year_rows": [(year, _cells(totals.by_year[year])) for year in totals.years],
        "child_rows": [(row, _cells(row.figures)) for row in totals.by_child],
        "total_row": _cells(totals.total),
        "recognition_tables": [
            (RECOGNITION_TITLES[category], totals.award_table(category))
            for category in (AwardCategory.AWARD, AwardCategory.COMMENDATION)
        ],
        "ratings": rating_table(totals),
        "registrations_chart": charts.registrations_chart(totals),
        "recognitions_chart": charts.recognitions_chart(totals),
    }


def _cells(figures) -> list[tuple[Column, int | float | None]]:
    return list(zip(BREAKDOWN_COLUMNS, breakdown_row(figures), strict=True))


def report(request: HttpRequest) -> HttpResponse:
    """Pick a unit and a span; see every total, the paragraph, the breakdowns and charts."""
    form, unit, first, last = _chosen(request, ReportForm)
    context = {"form": form}
    if unit is not None:
        totals = report_totals(unit, first, last)
        context |= report_context(totals)
    return render(request, "reports/report.html", context)


def report_print(request: HttpRequest) -> HttpResponse:
    """The report on A4 with the formal heading, ready to print or save as PDF."""
    form = SpanForm(request.GET, user=request.user)
    if not form.is_valid():
        form.check_unit_in_scope()
        raise Http404("Thiếu đơn vị hoặc năm báo cáo.")
    first, last = form.span()
    totals = report_totals(form.cleaned_data["unit"], first, last)
    return render(request, "reports/report_print.html", report_context(totals, links=False))


WHO = {
    "party": ("đảng viên", lambda rows: rows.exclude(member__party_status=PartyStatus.NONE)),
    "employee": ("người lao động", lambda rows: rows.filter(member__party_status=PartyStatus.NONE)),
    "leader": ("cán bộ lãnh đạo, quản lý", lambda rows: rows.filter(member__is_leader=True)),
}


def _list_page(request: HttpRequest, rows, template: str, **context) -> HttpResponse:
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, **context})


def _span_or_404(request: HttpRequest) -> tuple[Unit, int, int]:
    form = SpanForm(request.GET, user=request.user)
    if not form.is_valid():
        form.check_unit_in_scope()
        raise Http404("Thiếu đơn vị hoặc năm báo cáo.")
    first, last = form.span()
    return form.cleaned_data["unit"], first, last


def report_registrations(request: HttpRequest) -> HttpResponse:
    """The registrations counted by the report: made in the subtree in the span (people too)."""
    unit, first, last = _span_or_404(request)
    rows = Pledge.objects.filter(unit__path__startswith=unit.path, year__range=(first, last))
    who_label = ""
    if request.GET.get("who") in WHO:
        who_label, narrow = WHO[request.GET["who"]]
        rows = narrow(rows)
    rows = rows.select_related("member", "unit", "rating").order_by(
        "-year", "unit__path", "member__search_name"
    )
    return _list_page(
        request,
        rows,
        "reports/registrations.html",
        unit=unit,
        span_label=span_label(first, last),
        who_label=who_label,
        report_span=report_span(unit, first, last),
        is_party_member=is_party_member,
    )


def report_plans(request: HttpRequest) -> HttpResponse:
    """Plans of the subtree's cells (kind=cell) or mass organizations (kind=org) in the span."""
    unit, first, last = _span_or_404(request)
    kinds = [UnitKind.MASS_ORGANIZATION] if request.GET.get("kind") == "org" else UnitKind.cells()
    rows = (
        Plan.objects.filter(unit__path__startswith=unit.path, year__range=(first, last), unit__kind__in=kinds)
        .select_related("unit")
        .order_by("-year", "unit__path")
    )
    return _list_page(
        request,
        rows,
        "reports/plans.html",
        unit=unit,
        span_label=span_label(first, last),
        of_orgs=request.GET.get("kind") == "org",
        report_span=report_span(unit, first, last),
    )
