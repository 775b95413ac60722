"""Which years the pledge cycle covers (Directive 05 started in 2016)."""

import datetime

from django.http import Http404

from party.models.records import FIRST_YEAR

__all__ = ["FIRST_YEAR", "check_year", "current_year", "year_choices"]


def current_year() -> int:
    return datetime.date.today().year


def check_year(year: int) -> int:
    """404 for a year outside 2016 .. next year, as for any missing page."""
    if not FIRST_YEAR <= year <= current_year() + 1:
        raise Http404("Năm không hợp lệ.")
    return year


def year_choices() -> list[int]:
    return list(range(current_year() + 1, FIRST_YEAR - 1, -1))
