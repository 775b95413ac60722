"""A unit works in a year while it still existed on 1 January: one rule (party/models/units.py) for
the progress page, the "chưa hoàn thành" list and the review report."""

import datetime

import pytest
from django.urls import reverse

from party.models import Unit
from reports.totals import report_totals
from tests.conftest import make_unit
from tests.pledges.test_progress import table

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.mark.parametrize(
    ("dissolved_on", "active"),
    [
        (None, True),
        (datetime.date(YEAR - 1, 12, 31), False),
        (datetime.date(YEAR, 1, 1), False),  # its first day without the unit: no work that year
        (datetime.date(YEAR, 1, 2), True),
        (datetime.date(YEAR, 12, 31), True),
    ],
)
def test_a_unit_works_in_a_year_if_it_still_existed_on_1_january(tree, dissolved_on, active):
    unit = make_unit("CBX", tree["committee"], dissolved_on=dissolved_on)
    assert unit.was_active_in(YEAR) is active
    assert Unit.objects.active_in_year(YEAR).filter(pk=unit.pk).exists() is active
    assert unit.was_active_in(YEAR - 1)  # each of them still existed on 1 January the year before


def test_progress_incomplete_list_and_report_count_the_same_units_at_the_new_year(login, staff, tree):
    make_unit(
        "CB11", tree["committee"], short_name="Chi bộ giải thể 1/1", dissolved_on=datetime.date(YEAR, 1, 1)
    )
    make_unit(
        "CB21", tree["committee"], short_name="Chi bộ giải thể 2/1", dissolved_on=datetime.date(YEAR, 1, 2)
    )
    client = login(staff)

    # Chi bộ A, Chi bộ B, Đoàn Thanh niên and the cell dissolved on 2 January owe a plan.
    progress = client.get(reverse("progress", args=[tree["committee"].pk, YEAR])).content.decode()
    assert "0 / 4" in progress
    missing = table(client.get(reverse("incomplete", args=[tree["committee"].pk, YEAR])))
    assert "Chi bộ giải thể 2/1" in missing and "Chi bộ giải thể 1/1" not in missing

    totals = report_totals(tree["committee"], YEAR, YEAR).total
    assert (totals.cell_years, totals.org_years) == (3, 1)
