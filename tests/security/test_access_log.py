"""The privacy access log through the public surface, with real logins: who viewed a member's page,
who exported or printed what, logins, failures, lockouts, refusals and imports, and the admin
changelist that answers "who viewed or exported member X between two dates"."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from party.models import AccessEvent, Membership
from pledges.models import Pledge
from reports.export import estimate_list_rows
from reports.models import ReportExport
from reports.tasks import run_report_export
from tests.conftest import PASSWORD, log_in, make_member, make_user
from tests.party.test_import import confirm, preview
from tests.party.xlsx_helpers import member, workbook_bytes
from tests.reports import test_totals

world = test_totals.world  # the hand-built subtree of the report tests
Kind = AccessEvent.Kind
YEAR = 2025


def events(kind: str) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(kind=kind).order_by("pk"))


def aware(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


# Viewing and refusals -----------------------------------------------------------------------


def test_viewing_a_member_logs_one_event_with_user_unit_and_address(login, secretary_a, people, tree):
    client = login(secretary_a)
    an = people["an"]
    response = client.get(reverse("member_detail", args=[an.pk]), {"q": "Nguyễn"})
    assert response.status_code == 200
    (event,) = events(Kind.MEMBER_VIEWED)
    assert (event.user, event.username, event.member, event.unit) == (
        secretary_a,
        "bithu_a",
        an,
        tree["cell_a"],
    )
    assert event.address == "127.0.0.1"
    assert event.path == f"/members/{an.pk}/"  # never the query string
    assert not events(Kind.REFUSED)


@override_settings(AXES_CLIENT_IP_CALLABLE="config.client_ip.forwarded_client_ip")
def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(secretary_a, people):
    client = Client(HTTP_X_FORWARDED_FOR="9.9.9.9, 10.0.0.5")
    assert log_in(client, secretary_a.username)
    client.get(reverse("member_detail", args=[people["an"].pk]))
    assert [e.address for e in events(Kind.MEMBER_VIEWED)] == ["10.0.0.5"]


def test_other_cells_member_is_logged_as_a_refusal_not_a_view(login, secretary_a, people):
    client = login(secretary_a)
    url = reverse("member_detail", args=[people["cuong"].pk])
    assert client.get(url).status_code == 404
    assert not events(Kind.MEMBER_VIEWED)
    (event,) = events(Kind.REFUSED)
    assert (event.user, event.path, event.details["status"]) == (secretary_a, url, 404)


def test_a_forbidden_page_is_logged_as_a_refusal(login, viewer, tree):
    client = login(viewer)
    url = reverse("cell_workbook", args=[tree["cell_a"].pk, YEAR])
    assert client.get(url).status_code == 403
    assert [(e.user, e.details["status"]) for e in events(Kind.REFUSED)] == [(viewer, 403)]
    assert not events(Kind.EXPORT)


def test_anonymous_404_and_static_files_are_not_logged(client, login, secretary_a):
    client.get("/khong-co-trang-nay/")
    login(secretary_a).get("/static/khong-co.css")
    assert not events(Kind.REFUSED)


# Exports and prints ---------------------------------------------------------------------------


@pytest.fixture
def cell_year(people, tree):
    """Cell A's two people belong to it in 2025; An has registered."""
    Membership.objects.update(started_on=datetime.date(2016, 1, 1))
    return Pledge.objects.create(member=people["an"], unit=tree["cell_a"], year=YEAR)


def test_cell_workbook_export_logs_unit_year_and_rows(login, secretary_a, tree, cell_year):
    response = login(secretary_a).get(reverse("cell_workbook", args=[tree["cell_a"].pk, YEAR]))
    assert response.status_code == 200
    (event,) = events(Kind.EXPORT)
    assert (event.user, event.unit, event.member) == (secretary_a, tree["cell_a"], None)
    assert event.details == {"what": "cell_workbook", "years": "2025", "rows": 2, "format": "xlsx"}


def test_printing_a_registration_logs_the_member(login, secretary_a, people, cell_year):
    client = login(secretary_a)
    assert client.get(reverse("pledge_print", args=[cell_year.pk])).status_code == 200
    (event,) = events(Kind.PRINT)
    assert (event.member, event.details["years"]) == (people["an"], "2025")


def test_review_report_export_logs_unit_years_rows_and_the_aggregate_flag(login, staff, world):
    committee = world["units"]["committee"]
    client = login(staff)
    for extra in ({}, {"aggregate_only": "on"}):
        data = {"unit": committee.pk, "year_from": 2024, "year_to": 2025, **extra}
        response = client.post(reverse("report_export"), data)
        assert response.status_code == 200
        b"".join(response.streaming_content)
    full, aggregate = events(Kind.EXPORT)
    assert (full.user, full.unit) == (staff, committee)
    assert full.details == {
        "what": "review_report",
        "years": "2024-2025",
        "rows": estimate_list_rows(committee, 2024, 2025, aggregate_only=False),
        "format": "xlsx",
        "aggregate_only": False,
    }
    assert full.details["rows"] > 0
    assert aggregate.details["aggregate_only"] is True


def test_background_export_is_logged_when_asked_for_and_when_downloaded(
    login, staff, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_EXPORT_IMMEDIATE_ROWS = 1
    committee = world["units"]["committee"]
    client = login(staff)
    data = {"unit": committee.pk, "year_from": 2024, "year_to": 2025}
    assert client.post(reverse("report_export"), data).status_code == 302
    export = ReportExport.objects.get()
    (requested,) = events(Kind.EXPORT)
    assert requested.details["stage"] == "requested"
    assert requested.details["job"] == str(export.pk)
    assert requested.details["rows"] == export.rows_total
    run_report_export.call(str(export.pk))
    response = client.get(reverse("report_export_file", args=[export.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    requested, downloaded = events(Kind.EXPORT)
    assert (downloaded.unit, downloaded.details["stage"], downloaded.details["years"]) == (
        committee,
        "downloaded",
        "2024-2025",
    )


# Logins ---------------------------------------------------------------------------------------


def test_login_is_logged(client, secretary_a):
    assert log_in(client, secretary_a.username)
    (event,) = events(Kind.LOGIN)
    assert (event.user, event.username, event.address, event.path) == (
        secretary_a,
        "bithu_a",
        "127.0.0.1",
        "/login/",
    )


def test_failed_login_records_the_attempted_name_but_no_password(client, secretary_a):
    client.post(reverse("login"), {"username": "bithu_a", "password": "mat-khau-sai-123"})
    client.post(reverse("login"), {"username": "khong-ai", "password": "mat-khau-sai-456"})
    failed = events(Kind.LOGIN_FAILED)
    assert [(e.user, e.username) for e in failed] == [(None, "bithu_a"), (None, "khong-ai")]
    assert all(e.details == {} and e.address == "127.0.0.1" for e in failed)
    assert not AccessEvent.objects.filter(details__icontains="mat-khau").exists()


def test_five_failures_lock_the_login_and_the_lockout_is_logged(client, secretary_a):
    for _ in range(5):
        client.post(reverse("login"), {"username": "bithu_a", "password": "mat-khau-sai"})
    assert len(events(Kind.LOGIN_FAILED)) == 5
    (lockout,) = events(Kind.LOCKOUT)
    assert (lockout.username, lockout.address) == ("bithu_a", "127.0.0.1")
    response = client.post(reverse("login"), {"username": "bithu_a", "password": PASSWORD})
    assert response.status_code == 429
    assert len(events(Kind.LOCKOUT)) == 2  # every refused attempt while locked
    assert not events(Kind.LOGIN)


# Imports ---------------------------------------------------------------------------------------


def test_confirmed_import_is_logged_with_unit_sheets_and_row_counts(login, staff, tree):
    client = login(staff)
    batch, _ = preview(client, workbook_bytes(members=[member("Hoàng Văn Em", "CBA")]))
    assert not events(Kind.IMPORT)  # the preview writes nothing
    confirm(client, batch)
    (event,) = events(Kind.IMPORT)
    assert (event.user, event.unit) == (staff, tree["committee"])
    assert event.details["batch"] == batch.pk
    assert event.details["ok"] is True
    assert {"title": "Đảng viên", "created": 1, "updated": 0} in event.details["sheets"]


# Admin -----------------------------------------------------------------------------------------


CHANGELIST = reverse("admin:party_accessevent_changelist")


@pytest.fixture
def history(tree, people, secretary_a, staff):
    """Events about An (cell A) and others, in January and March 2026."""
    an, binh = people["an"], people["binh"]

    def add(kind, at, user, member=None, unit=None, details=None):
        unit = unit or member.unit
        return AccessEvent.objects.create(
            kind=kind,
            at=at,
            user=user,
            username=user.username,
            member=member,
            unit=unit,
            details=details or {},
        )

    return {
        "an_jan": add(Kind.MEMBER_VIEWED, aware(2026, 1, 10), secretary_a, an),
        "an_mar": add(Kind.MEMBER_VIEWED, aware(2026, 3, 5), staff, an),
        "an_feb_print": add(Kind.PRINT, aware(2026, 2, 1), staff, an, details={"what": "pledge_print"}),
        "binh_feb": add(Kind.MEMBER_VIEWED, aware(2026, 2, 2), secretary_a, binh),
        "cell_a_export": add(
            Kind.EXPORT, aware(2026, 2, 3), secretary_a, unit=tree["cell_a"], details={"rows": 2}
        ),
        "committee_export": add(
            Kind.EXPORT, aware(2026, 2, 4), staff, unit=tree["committee"], details={"aggregate_only": False}
        ),
        "committee_totals": add(
            Kind.EXPORT, aware(2026, 2, 5), staff, unit=tree["committee"], details={"aggregate_only": True}
        ),
        "cell_b_export": add(Kind.EXPORT, aware(2026, 2, 6), staff, unit=tree["cell_b"], details={"rows": 2}),
    }


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {event.pk for event in response.context["cl"].result_list}


def test_admin_answers_who_viewed_or_exported_a_member_between_two_dates(admin_client, history, people):
    an = people["an"]
    response = admin_client.get(CHANGELIST, {"member": an.pk, "at_from": "2026-01-15", "at_to": "2026-03-04"})
    # An's own events in the span and the full exports of the lists that held An (cell A, the committee).
    expected = {history[name].pk for name in ("an_feb_print", "cell_a_export", "committee_export")}
    assert listed(response) == expected
    page = response.content.decode()
    assert "Nguyễn Văn An" in page
    assert 'name="at_from" value="2026-01-15"' in page
    # The date inputs keep the member filter.
    assert f'name="member" value="{an.pk}"' in page


def test_admin_filters_by_kind_and_includes_the_last_day(admin_client, history, people):
    response = admin_client.get(
        CHANGELIST, {"member": people["an"].pk, "kind__exact": Kind.MEMBER_VIEWED, "at_to": "2026-03-05"}
    )
    assert listed(response) == {history["an_jan"].pk, history["an_mar"].pk}


def test_admin_searches_by_username_and_member_name(admin_client, history):
    assert listed(admin_client.get(CHANGELIST, {"q": "bithu_a", "kind__exact": Kind.MEMBER_VIEWED})) == {
        history["an_jan"].pk,
        history["binh_feb"].pk,
    }
    assert history["binh_feb"].pk in listed(admin_client.get(CHANGELIST, {"q": "binh"}))


def test_admin_bad_date_is_an_error_not_a_crash(admin_client, history):
    response = admin_client.get(CHANGELIST, {"at_from": "15/01/2026"})
    assert response.status_code == 302
    assert "e=1" in response.url


def test_admin_cannot_add_change_or_delete_events(admin_client, history):
    event = history["an_jan"]
    assert admin_client.get(reverse("admin:party_accessevent_add")).status_code == 403
    change = reverse("admin:party_accessevent_change", args=[event.pk])
    page = admin_client.get(change)
    assert page.status_code == 200  # read-only view
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(change, {"kind": Kind.LOGIN, "username": "x"}).status_code == 403
    assert admin_client.post(reverse("admin:party_accessevent_delete", args=[event.pk])).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    admin_client.post(CHANGELIST, bulk)
    event.refresh_from_db()
    assert event.kind == Kind.MEMBER_VIEWED


def test_member_admin_page_links_to_the_members_access_log_and_is_logged(admin_client, admin_user, tree):
    # An id past 999: the Vietnamese number format would print it as "12.345".
    an = make_member(tree["cell_a"], "Nguyễn Văn An", pk=12345)
    page = admin_client.get(reverse("admin:party_member_change", args=[an.pk])).content.decode()
    assert f'href="{CHANGELIST}?member={an.pk}">Nhật ký truy cập</a>' in page
    assert [(e.user, e.member) for e in events(Kind.MEMBER_VIEWED)] == [(admin_user, an)]


def test_account_deleted_keeps_the_username(login, secretary_a, people):
    login(secretary_a).get(reverse("member_detail", args=[people["an"].pk]))
    secretary_a.delete()
    (event,) = events(Kind.MEMBER_VIEWED)
    assert (event.user, event.username) == (None, "bithu_a")


# Retention -------------------------------------------------------------------------------------


def test_purge_deletes_only_events_older_than_the_retention(db, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    user = make_user("bithu_cu")
    now = timezone.now()
    old = AccessEvent.objects.create(kind=Kind.LOGIN, user=user, at=now - datetime.timedelta(days=31))
    recent = AccessEvent.objects.create(kind=Kind.LOGIN, user=user, at=now - datetime.timedelta(days=29))
    out = io.StringIO()
    call_command("purge_access_log", stdout=out)
    assert "Đã xóa 1 mục" in out.getvalue()
    assert list(AccessEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AccessEvent.objects.filter(pk=old.pk).exists()
