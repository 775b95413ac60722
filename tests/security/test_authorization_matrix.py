"""Every URL of the site × every kind of actor × GET and POST, against an explicit table.

The table names every URL the resolver knows (admin aside): a new URL without an entry fails
`test_the_table_covers_every_url`. Each request runs in a savepoint that is rolled back, so one
world serves the whole matrix; a denied POST must leave every table exactly as it was, and a 404
for an object out of scope must read exactly like the 404 for an id that does not exist.
"""

import copy
import re
import uuid

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

from tests.security.conftest import YEAR, World, db_state, state_diff

# Logged-in actors, in the order of the codes below. Anonymous visitors and deactivated accounts
# are sent to the login page from every URL (asserted for each one, GET and POST).
ACTORS = ("secretary_a", "secretary_b", "staff", "staff_x", "viewer", "admin")

# Expected status per actor for the object of cell A (the committee DB1 holds A and B).
#                 sec_a sec_b staff stf_x viewer admin
SCOPED = "200 404 200 404 200 200"  # read in scope, 404 outside
EDIT = "200 404 200 404 403 200"  # write in scope, viewers read only
ENTER = "200 200 200 200 403 200"  # any unit to enter data for
ALL = "200 200 200 200 200 200"
REDIRECT = "302 302 302 302 302 302"
NO_GET = "405 405 405 405 405 405"
DELETE = "403 404 200 404 403 200"  # staff of the record's committee only
OWN = "200 404 404 404 403 200"  # an import is its uploader's (and a superuser's)
OWN_JOB = "200 404 404 404 404 404"  # an export job is only its requester's

RECORD_KINDS = ("meetings", "inspections", "documents", "conferences", "awards", "practices")

MATRIX: dict[str, tuple[str, str]] = {
    # name: (GET, POST)
    "logout": (NO_GET, REDIRECT),
    "password_change": (ALL, ALL),
    "password_change_done": (ALL, "405 405 405 405 405 405"),
    # The account's own two-factor pages: no object, every signed-in person has their own.
    "account_security": (ALL, NO_GET),
    "two_factor_verify": (REDIRECT, REDIRECT),  # already past the second step
    "two_factor_enrol": (ALL, ALL),
    "two_factor_codes": (ALL, REDIRECT),
    "two_factor_codes_download": (REDIRECT, NO_GET),  # no fresh codes to download
    "two_factor_codes_regenerate": (NO_GET, REDIRECT),
    "two_factor_off": (NO_GET, REDIRECT),
    "report": (SCOPED, SCOPED),
    "report_print": (SCOPED, SCOPED),
    "report_registrations": (SCOPED, SCOPED),
    "report_plans": (SCOPED, SCOPED),
    "report_export": (NO_GET, SCOPED),
    "report_export_csv": (NO_GET, SCOPED),
    "report_export_status": (OWN_JOB, NO_GET),
    "report_export_file": (OWN_JOB, NO_GET),
    "home": (ALL, ALL),
    "unit_detail": (SCOPED, SCOPED),
    # The unit pickers' search: GET only; each actor gets matches from their own scope
    # (tests/party/test_unit_search.py), an empty list when nothing is asked.
    "unit_search": (ALL, "405 405 405 405 405 405"),
    "member_detail": (SCOPED, SCOPED),
    "member_personal_data": (NO_GET, "403 404 200 404 403 200"),  # committee staff only
    "import_upload": (ENTER, ENTER),
    "import_template": (ENTER, ENTER),
    "import_preview": (OWN, OWN),
    "import_confirm": (NO_GET, "302 404 404 404 403 302"),
    "work_home": (ALL, ALL),
    "document_file": (SCOPED, SCOPED),
    "my_cell": (REDIRECT, REDIRECT),
    "cell_year": (SCOPED, SCOPED),
    "plan_edit": (SCOPED, EDIT),
    "cell_workbook": (EDIT, EDIT),
    "cell_evaluation": (SCOPED, "302 404 302 404 403 302"),
    "cell_print": (SCOPED, SCOPED),
    "pledge_edit": (SCOPED, EDIT),
    "pledge_print": (SCOPED, SCOPED),
    "pledge_reopen": (NO_GET, "403 404 302 404 403 302"),
    "progress_start": (REDIRECT, REDIRECT),
    "progress": (SCOPED, SCOPED),
    "incomplete": (SCOPED, SCOPED),
    "leaders": (SCOPED, SCOPED),
}
for kind in RECORD_KINDS:
    MATRIX |= {
        f"{kind}_list": (ALL, ALL),
        f"{kind}_create": (ENTER, ENTER),
        f"{kind}_detail": (SCOPED, SCOPED),
        f"{kind}_edit": (EDIT, EDIT),
        f"{kind}_delete": (DELETE, "403 404 302 404 403 302"),
    }

PUBLIC = {"login", "health"}  # open to everyone on purpose (tested in tests/party and production)
# The report pages take the unit from the query string; the export from the form.
REPORT_QUERY = {"report", "report_print", "report_registrations", "report_plans"}
MISSING = 10**8


def resolver_urls() -> dict[str, dict]:
    """Every named URL outside the admin, with its parameters' converters."""

    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    yield from walk(entry.url_patterns)
            elif entry.name:
                yield entry.name, entry.pattern.converters

    return {name: converters for name, converters in walk(get_resolver().url_patterns) if name not in PUBLIC}


def test_the_table_covers_every_url():
    assert set(MATRIX) == set(resolver_urls())


def target(world: World, name: str, key: str, missing: bool):
    """The object of cell A for this URL parameter, or an id nothing has."""
    cell = world.cells["a"]
    if key == "year":
        return YEAR
    if name.startswith("report_export"):
        return uuid.uuid4() if missing else world.export.pk
    if missing:
        return MISSING
    if key == "unit_pk" or name == "unit_detail":
        return cell.unit.pk
    if key == "member_pk":
        return cell.draft.member_id
    if name in {"member_detail", "member_personal_data"}:
        return cell.members[0].pk
    if name.startswith("import_"):
        return world.batch.pk
    if name in {"pledge_print", "pledge_reopen"}:
        return cell.evaluated.pk
    if name == "document_file":
        return cell.records["documents"].pk
    return cell.records[name.rsplit("_", 1)[0]].pk


def request_for(world: World, name: str, converters: dict, *, missing: bool = False) -> tuple[str, dict]:
    """(URL, POST data) for the URL name, about cell A's object or a missing one."""
    url = reverse(name, kwargs={key: target(world, name, key, missing) for key in converters})
    unit = MISSING if missing else world.units["a"].pk
    span = {"unit": unit, "span_choice": "custom", "year_from": YEAR, "year_to": YEAR}
    if name in REPORT_QUERY:
        return f"{url}?unit={unit}&span_choice=custom&year_from={YEAR}&year_to={YEAR}", {}
    if name == "report_export":
        return url, span
    if name == "report_export_csv":
        return url, span | {"list": "registrations"}
    return url, {}


CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def send(client, method: str, url: str, data: dict, baseline: dict | None):
    """The response (body read) and the tables that changed, all rolled back afterwards."""
    client.cookies.pop("messages", None)  # a message left by an earlier request would show here
    cookies = copy.deepcopy(client.cookies)  # logging out is rolled back too: keep the session
    with transaction.atomic():
        response = client.get(url) if method == "get" else client.post(url, data)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        changed = state_diff(baseline, db_state()) if baseline is not None else []
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, CSRF.sub(b"", body), changed


@pytest.mark.parametrize("actor", ["anonymous", "deactivated"])
def test_no_login_no_page(client, login, world, actor):
    if actor == "deactivated":
        user = world.users[actor]
        login(user)
        user.is_active = False
        user.save()
    baseline = db_state()
    failures = []
    for name, converters in resolver_urls().items():
        url, data = request_for(world, name, converters)
        for method in ("get", "post"):
            response, _, changed = send(client, method, url, data, baseline if method == "post" else None)
            if response.status_code != 302 or not response["Location"].startswith(
                f"{reverse('login')}?next="
            ):
                failures.append(f"{method.upper()} {name}: {response.status_code}")
            if changed:
                failures.append(f"POST {name} changed {changed}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix(client, login, world, actor):
    login(world.users[actor])
    column = ACTORS.index(actor)
    baseline = db_state()
    failures = []
    for name, converters in resolver_urls().items():
        if name not in MATRIX:
            continue  # test_the_table_covers_every_url names it
        url, data = request_for(world, name, converters)
        for method, codes in zip(("get", "post"), MATRIX[name], strict=True):
            expected = int(codes.split()[column])
            denied = expected in (403, 404, 405)
            response, body, changed = send(
                client, method, url, data, baseline if denied and method == "post" else None
            )
            where = f"{method.upper()} {name} as {actor}"
            if response.status_code != expected:
                failures.append(f"{where}: {response.status_code}, expected {expected}")
            if changed:
                failures.append(f"{where} (denied) changed {changed}")
            if expected == 404:
                # Out of scope reads exactly like an id nothing has.
                missing_url, missing_data = request_for(world, name, converters, missing=True)
                missing, missing_body, changed = send(
                    client, method, missing_url, missing_data, baseline if method == "post" else None
                )
                if missing.status_code != 404 or missing_body != body:
                    failures.append(f"{where}: the 404 differs from a missing id's ({missing.status_code})")
                if changed:
                    failures.append(f"{where} (missing id) changed {changed}")
    assert not failures, "\n".join(failures)
