"""Settings from the environment and the Vietnamese formats."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django import forms
from django.utils import formats, translation

PROJECT = Path(__file__).resolve().parents[2]


def import_settings(**env: str) -> subprocess.CompletedProcess:
    """Import config.settings in a fresh interpreter with only the given variables set."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; settings.DEBUG",
        ],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif((PROJECT / ".env").exists(), reason="a local .env may provide SECRET_KEY")
def test_settings_refuse_to_load_without_secret_key_when_debug_is_off():
    result = import_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_settings_refuse_an_empty_secret_key_when_debug_is_off():
    result = import_settings(DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_settings_load_without_secret_key_in_debug():
    result = import_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_settings_load_with_a_secret_key():
    result = import_settings(DEBUG="false", SECRET_KEY="a-real-secret-for-the-test")
    assert result.returncode == 0, result.stderr


def test_date_input_is_read_day_first():
    with translation.override("vi"):
        assert forms.DateField().clean("05/04/2024") == datetime.date(2024, 4, 5)


def test_iso_date_input_is_still_accepted():
    with translation.override("vi"):
        assert forms.DateField().clean("2024-04-05") == datetime.date(2024, 4, 5)


def test_month_first_date_input_is_refused():
    with translation.override("vi"), pytest.raises(forms.ValidationError):
        forms.DateField().clean("04/25/2024")


def test_dates_are_shown_as_day_month_year():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2024, 4, 5), "SHORT_DATE_FORMAT") == "05/04/2024"
        assert formats.date_format(datetime.date(2024, 4, 5)) == "05/04/2024"


def test_numbers_are_grouped_with_dots():
    with translation.override("vi"):
        assert formats.number_format(1234567, force_grouping=True) == "1.234.567"
        assert formats.number_format(1234567) == "1.234.567"
        assert formats.number_format(1234.5, decimal_pos=1) == "1.234,5"
