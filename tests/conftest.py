"""Shared personas and a small unit tree, built through the public model API.

The tree:            DB  (Đảng bộ Sở, grassroots committee)
                    /  \\
                  CBA   CBB   (cells)       ĐTN (mass organization under DB)
Personas: staff (committee staff of DB), secretary_a (of CBA), secretary_b (of CBB),
viewer (viewer of DB), admin (superuser), outsider (no role).
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from party.models import Gender, Member, PartyStatus, RoleKind, Unit, UnitKind, UnitRole

PASSWORD = "mat-khau-thu-nghiem-2026"


def make_unit(code: str, parent: Unit | None = None, kind: str = UnitKind.CELL, **fields) -> Unit:
    data = {"code": code, "short_name": fields.pop("short_name", f"Đơn vị {code}"), "kind": kind, **fields}
    data.setdefault("name", data["short_name"])
    return Unit.objects.add_child(parent, data) if parent else Unit.objects.add_root(data)


def make_member(unit: Unit, full_name: str, **fields) -> Member:
    fields.setdefault("gender", Gender.MALE)
    fields.setdefault("birth_date", datetime.date(1985, 1, 1))
    fields.setdefault("party_status", PartyStatus.FULL)
    return Member.objects.create(unit=unit, full_name=full_name, **fields)


def make_user(username: str, role: str | None = None, unit: Unit | None = None, **fields):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
    if role:
        UnitRole.objects.create(user=user, unit=unit, role=role)
    return user


def log_in(client, username: str, password: str = PASSWORD) -> bool:
    """Log in through the login form, as a person does; True when the client is now that user.

    django-axes (login lockout) needs the request in `authenticate()`, so the test client's
    `login()` fails with AxesBackendRequestParameterRequired; `force_login()` would skip the
    password check.
    """
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.wsgi_request.user.get_username() == username


@pytest.fixture
def tree(db) -> dict[str, Unit]:
    committee = make_unit("DB", kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ Sở")
    return {
        "committee": committee,
        "cell_a": make_unit("CBA", committee, short_name="Chi bộ A"),
        "cell_b": make_unit("CBB", committee, short_name="Chi bộ B"),
        "youth": make_unit("DTN", committee, kind=UnitKind.MASS_ORGANIZATION, short_name="Đoàn Thanh niên"),
    }


@pytest.fixture
def people(tree) -> dict[str, Member]:
    return {
        "an": make_member(tree["cell_a"], "Nguyễn Văn An", party_card_number="1001"),
        "binh": make_member(tree["cell_a"], "Trần Thị Bình", gender=Gender.FEMALE, is_leader=True),
        "cuong": make_member(tree["cell_b"], "Lê Văn Cường", party_card_number="2001"),
        "dung": make_member(tree["cell_b"], "Phạm Thị Dung", party_status=PartyStatus.NONE),
    }


@pytest.fixture
def staff(tree):
    return make_user("canbo", RoleKind.STAFF, tree["committee"])


@pytest.fixture
def secretary_a(tree):
    return make_user("bithu_a", RoleKind.SECRETARY, tree["cell_a"])


@pytest.fixture
def secretary_b(tree):
    return make_user("bithu_b", RoleKind.SECRETARY, tree["cell_b"])


@pytest.fixture
def viewer(tree):
    return make_user("nguoixem", RoleKind.VIEWER, tree["committee"])


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(username="quantri", password=PASSWORD, email="")


@pytest.fixture
def outsider(db):
    return make_user("nguoingoai")


@pytest.fixture
def login(client):
    """Log a persona in through the login form (a real password check) and return the client."""

    def _login(user):
        assert log_in(client, user.username), f"{user.username} could not log in"
        return client

    return _login
