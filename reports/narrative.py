"""The narrative paragraph of the review report, worded in templates/reports/narrative.txt.

The wording lives in the template so that staff can read and correct it; this module only
hands it the figures (and the non-zero counts by kind, in reference order).
"""

import re
from collections import Counter

from django.template.loader import render_to_string

from party.models import ConferenceKind, DocumentKind, UnitKind
from pledges.models import PracticeKind
from reports.layout import span_label
from reports.totals import ReportTotals


def _by_kind(counts: Counter, choices) -> list[tuple[int, str]]:
    return [(counts[value], label.lower()) for value, label in choices if counts[value]]


def narrative(totals: ReportTotals) -> str:
    """One paragraph of plain text; categories with nothing to report are left out."""
    t = totals.total
    text = render_to_string(
        "reports/narrative.txt",
        {
            "span": f"Trong {span_label(totals.first_year, totals.last_year)}",
            "unit": totals.unit,
            "is_cell": totals.unit.kind in UnitKind.cells(),
            "t": t,
            "document_kinds": _by_kind(t.documents, DocumentKind.choices),
            "practice_kinds": _by_kind(t.practices, PracticeKind.choices),
            "conference_kinds": _by_kind(t.conferences, ConferenceKind.choices),
            "practice_count": sum(t.practices.values()),
            "conference_count": sum(t.conferences.values()),
            "checks": t.committee_checks + t.cell_checks,
            "inspections": t.committee_inspections + t.cell_inspections,
            "supervisions": t.committee_supervisions + t.cell_supervisions,
            "awards": t.awards_collective + t.awards_individual,
            "commendations": t.commendations_collective + t.commendations_individual,
        },
    )
    text = re.sub(r"\s+", " ", text).strip()
    clauses = [clause.strip() for clause in text.split(";;") if clause.strip()]
    if clauses == [text]:  # only the span: nothing to report
        return f"{text} chưa có kết quả học tập và làm theo Bác nào được ghi nhận."
    return "; ".join(clauses) + "."
