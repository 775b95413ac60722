"""`manage.py nightly_cleanup`: what must not be kept forever is gone, what is recent stays."""

import datetime
import io

from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from party.models import AccessEvent, ImportBatch
from tests.conftest import make_user

Kind = AccessEvent.Kind


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_nightly_cleanup_removes_only_what_is_past_its_retention(db, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 60
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    user = make_user("canbo_nhap")
    AccessEvent.objects.create(kind=Kind.LOGIN, user=user, at=days_ago(61))
    recent_event = AccessEvent.objects.create(kind=Kind.LOGIN, user=user, at=days_ago(59))
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=days_ago(1))
    Session.objects.create(
        session_key="b" * 32, session_data="", expire_date=timezone.now() + datetime.timedelta(hours=1)
    )
    old_login = AccessLog.objects.create(username="canbo_nhap", ip_address="10.0.0.1", user_agent="x")
    AccessLog.objects.filter(pk=old_login.pk).update(attempt_time=days_ago(61))
    recent_login = AccessLog.objects.create(username="canbo_nhap", ip_address="10.0.0.1", user_agent="x")
    old_batch = ImportBatch.objects.create(uploaded_by=user, file_name="cu.xlsx", content=b"PK old")
    ImportBatch.objects.filter(pk=old_batch.pk).update(created_at=days_ago(31))
    new_batch = ImportBatch.objects.create(uploaded_by=user, file_name="moi.xlsx", content=b"PK new")

    out = io.StringIO()
    call_command("nightly_cleanup", stdout=out)

    assert list(AccessEvent.objects.values_list("pk", flat=True)) == [recent_event.pk]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent_login.pk]
    old_batch.refresh_from_db()
    new_batch.refresh_from_db()
    assert bytes(old_batch.content) == b"" and old_batch.file_name == "cu.xlsx"  # the record stays
    assert bytes(new_batch.content) == b"PK new"
    assert "Đã xóa tệp của 1 lần nhập Excel quá 30 ngày." in out.getvalue()
