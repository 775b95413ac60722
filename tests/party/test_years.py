"""The programme's years (party/years.py): 2016 to next year, the same on every page, form and export."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from party.years import FIRST_YEAR, current_year, validate_programme_year, year_choices

pytestmark = pytest.mark.django_db


def test_the_programme_runs_from_2016_to_next_year():
    next_year = current_year() + 1
    for year in (FIRST_YEAR, current_year(), next_year):
        validate_programme_year(year)
    for year in (FIRST_YEAR - 1, next_year + 1):
        with pytest.raises(ValidationError, match=f"Năm phải từ 2016 đến {next_year}"):
            validate_programme_year(year)
    assert year_choices()[0] == next_year and year_choices()[-1] == FIRST_YEAR


def test_this_year_turns_at_midnight_in_vietnam_not_on_the_servers_clock(monkeypatch):
    # 17:30 UTC on 31 December is 00:30 on 1 January in Hà Nội.
    utc_evening = datetime.datetime(2025, 12, 31, 17, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: utc_evening)
    assert current_year() == 2026
    assert year_choices()[0] == 2027


def _options(page: str, name: str) -> list[int]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select named {name}"
    return [int(value) for value in re.findall(r'<option value="(\d+)"', select.group(1))]


def test_every_year_picker_offers_the_programmes_years(login, staff, tree):
    client = login(staff)
    records = client.get(reverse("meetings_list")).content.decode()
    report = client.get(reverse("report")).content.decode()
    assert _options(records, "year") == year_choices()
    assert _options(report, "year_from") == _options(report, "year_to") == year_choices()


@pytest.mark.parametrize(
    ("year", "status"),
    [(FIRST_YEAR - 1, 404), (FIRST_YEAR, 200), (current_year() + 1, 200), (current_year() + 2, 404)],
)
def test_a_year_in_a_page_address_outside_the_programme_is_a_missing_page(login, staff, tree, year, status):
    response = login(staff).get(reverse("progress", args=[tree["committee"].pk, year]))
    assert response.status_code == status
