"""The years of the Directive-05 programme: the one rule every page, form, import and report uses.

Directive 05-CT/TW was issued in May 2016, so no year of the programme comes before 2016. Plans
and registrations are written ahead, so next year is the last one a person may pick or type.
"This year" is the calendar year in the app's time zone (Vietnam), not the server's.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

FIRST_YEAR = 2016


def current_year() -> int:
    return timezone.localdate().year


def last_allowed_year() -> int:
    """Next year: the latest year a plan, registration or record may be filed under."""
    return current_year() + 1


def is_programme_year(year: int) -> bool:
    return FIRST_YEAR <= year <= last_allowed_year()


def year_choices() -> list[int]:
    """Every year a person may pick, newest first."""
    return list(range(last_allowed_year(), FIRST_YEAR - 1, -1))


def validate_programme_year(value: int | None) -> None:
    """The check of every typed year (model fields, forms, import cells)."""
    if value is not None and not is_programme_year(value):
        raise ValidationError(f"Năm phải từ {FIRST_YEAR} đến {last_allowed_year()}.", code="year_range")


def check_year(year: int) -> int:
    """A year in a page's address: outside the programme it is a missing page."""
    if not is_programme_year(year):
        raise Http404("Năm không hợp lệ.")
    return year
