"""Who sees what: the scope querysets, and the pages that must honour them."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from party.models import Member, RoleKind, Unit, UnitKind
from tests.conftest import make_member, make_unit, make_user

ALL_UNITS = {"DB", "CBA", "CBB", "DTN"}
ALL_MEMBERS = {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"}
CELL_A_MEMBERS = {"Nguyễn Văn An", "Trần Thị Bình"}
CELL_B_MEMBERS = {"Lê Văn Cường", "Phạm Thị Dung"}


def codes(units) -> set[str]:
    return {unit.code for unit in units}


def names(members) -> set[str]:
    return {member.full_name for member in members}


@pytest.fixture
def other_tree(db) -> dict[str, Unit]:
    """A second, unrelated committee: nobody in the main tree may see it."""
    committee = make_unit("XA", kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ Xã")
    cell = make_unit("XA1", committee, short_name="Chi bộ thôn Một")
    make_member(cell, "Võ Thị Xuân")
    return {"committee": committee, "cell": cell}


# --- the querysets -------------------------------------------------------------------------------

PERSONAS = [
    # persona, units visible, units editable, members visible, members editable
    ("staff", ALL_UNITS, ALL_UNITS, ALL_MEMBERS, ALL_MEMBERS),
    ("secretary_a", {"CBA"}, {"CBA"}, CELL_A_MEMBERS, CELL_A_MEMBERS),
    ("secretary_b", {"CBB"}, {"CBB"}, CELL_B_MEMBERS, CELL_B_MEMBERS),
    ("viewer", ALL_UNITS, set(), ALL_MEMBERS, set()),
    ("outsider", set(), set(), set(), set()),
]


@pytest.mark.parametrize(("persona", "units", "editable", "members", "members_editable"), PERSONAS)
def test_each_persona_sees_exactly_its_subtree(
    request, people, other_tree, persona, units, editable, members, members_editable
):
    user = request.getfixturevalue(persona)
    assert codes(Unit.objects.visible_to(user)) == units
    assert codes(Unit.objects.editable_by(user)) == editable
    assert names(Member.objects.visible_to(user)) == members
    assert names(Member.objects.editable_by(user)) == members_editable


def test_superuser_sees_and_edits_every_tree(admin_user, people, other_tree):
    everything = ALL_UNITS | {"XA", "XA1"}
    assert codes(Unit.objects.visible_to(admin_user)) == everything
    assert codes(Unit.objects.editable_by(admin_user)) == everything
    assert names(Member.objects.visible_to(admin_user)) == ALL_MEMBERS | {"Võ Thị Xuân"}
    assert names(Member.objects.editable_by(admin_user)) == ALL_MEMBERS | {"Võ Thị Xuân"}


def test_anonymous_user_sees_nothing(people):
    anonymous = AnonymousUser()
    assert not Unit.objects.visible_to(anonymous).exists()
    assert not Unit.objects.editable_by(anonymous).exists()
    assert not Member.objects.visible_to(anonymous).exists()


def test_deactivated_account_sees_nothing(people, staff):
    staff.is_active = False
    staff.save()
    assert not Unit.objects.visible_to(staff).exists()
    assert not Member.objects.visible_to(staff).exists()


def test_roles_in_two_trees_add_up(tree, people, other_tree):
    user = make_user("haivaitro", RoleKind.SECRETARY, tree["cell_a"])
    user.unit_roles.create(unit=other_tree["committee"], role=RoleKind.VIEWER)
    assert codes(Unit.objects.visible_to(user)) == {"CBA", "XA", "XA1"}
    assert codes(Unit.objects.editable_by(user)) == {"CBA"}
    assert names(Member.objects.visible_to(user)) == CELL_A_MEMBERS | {"Võ Thị Xuân"}


def test_dissolved_units_stay_in_scope(tree, secretary_b):
    tree["cell_b"].dissolved_on = datetime.date(2024, 2, 1)
    tree["cell_b"].save()
    assert codes(Unit.objects.visible_to(secretary_b)) == {"CBB"}
    assert codes(Unit.objects.visible_to(secretary_b).active()) == set()


def test_a_member_follows_a_transfer_out_of_scope(tree, people, secretary_a, secretary_b):
    from party.models import transfer_member

    transfer_member(member=people["an"], to_unit=tree["cell_b"], on=datetime.date.today())
    assert names(Member.objects.visible_to(secretary_a)) == {"Trần Thị Bình"}
    assert "Nguyễn Văn An" in names(Member.objects.visible_to(secretary_b))


# --- the pages -----------------------------------------------------------------------------------


def test_secretary_sees_own_cell_page(login, secretary_a, people, tree):
    response = login(secretary_a).get(reverse("unit_detail", args=[tree["cell_a"].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nguyễn Văn An" in page
    assert "Trần Thị Bình" in page


def test_secretary_cannot_see_other_cell(login, secretary_a, people, tree):
    response = login(secretary_a).get(reverse("unit_detail", args=[tree["cell_b"].pk]))
    assert response.status_code == 404


def test_secretary_cannot_see_the_committee_page(login, secretary_a, people, tree):
    client = login(secretary_a)
    assert client.get(reverse("unit_detail", args=[tree["committee"].pk])).status_code == 404
    assert client.get(reverse("unit_detail", args=[tree["youth"].pk])).status_code == 404


def test_secretary_cannot_see_other_cells_members(login, secretary_a, people):
    client = login(secretary_a)
    for key in ("cuong", "dung"):
        assert client.get(reverse("member_detail", args=[people[key].pk])).status_code == 404
    for key in ("an", "binh"):
        assert client.get(reverse("member_detail", args=[people[key].pk])).status_code == 200


def test_secretary_home_lists_only_her_cell(login, secretary_a, people, tree):
    page = login(secretary_a).get(reverse("home")).content.decode()
    assert reverse("unit_detail", args=[tree["cell_a"].pk]) in page
    for other in ("committee", "cell_b", "youth"):
        assert reverse("unit_detail", args=[tree[other].pk]) not in page
    for hidden in ("Chi bộ B", "Đảng bộ Sở", "Đoàn Thanh niên", "CBB"):
        assert hidden not in page
    assert "1 đơn vị." in page


def test_secretary_search_never_finds_other_cells(login, secretary_a, people, tree):
    client = login(secretary_a)
    page = client.get(reverse("home"), {"q": "chi bo"}).content.decode()
    assert "Chi bộ A" in page
    assert "Chi bộ B" not in page
    page = client.get(reverse("home"), {"q": "CBB", "dissolved": "on"}).content.decode()
    assert "Không có đơn vị nào phù hợp." in page
    assert "Chi bộ B" not in page


def test_secretary_member_search_never_finds_other_cells(login, secretary_a, people, tree):
    url = reverse("unit_detail", args=[tree["cell_a"].pk])
    client = login(secretary_a)
    for query in ("le van cuong", "Phạm Thị Dung", "dung", "cuong"):
        page = client.get(url, {"q": query}).content.decode()
        assert "Không tìm thấy ai" in page
        for key in ("cuong", "dung"):
            assert reverse("member_detail", args=[people[key].pk]) not in page


def test_secretary_does_not_see_the_committee_in_breadcrumbs(login, secretary_a, tree, staff, client):
    page = login(secretary_a).get(reverse("unit_detail", args=[tree["cell_a"].pk])).content.decode()
    assert "Đảng bộ Sở" not in page
    client.logout()
    page = login(staff).get(reverse("unit_detail", args=[tree["cell_a"].pk])).content.decode()
    assert reverse("unit_detail", args=[tree["committee"].pk]) in page


def test_staff_sees_every_unit_and_member_of_the_committee(login, staff, people, tree):
    client = login(staff)
    for unit in tree.values():
        assert client.get(reverse("unit_detail", args=[unit.pk])).status_code == 200
    for member in people.values():
        assert client.get(reverse("member_detail", args=[member.pk])).status_code == 200
    page = client.get(reverse("unit_detail", args=[tree["committee"].pk])).content.decode()
    for name in ALL_MEMBERS:
        assert name in page


def test_staff_cannot_see_another_committee(login, staff, other_tree):
    client = login(staff)
    assert client.get(reverse("unit_detail", args=[other_tree["cell"].pk])).status_code == 404
    member = Member.objects.get(full_name="Võ Thị Xuân")
    assert client.get(reverse("member_detail", args=[member.pk])).status_code == 404
    assert "Đảng bộ Xã" not in client.get(reverse("home")).content.decode()


def test_viewer_reads_the_whole_subtree(login, viewer, people, tree):
    client = login(viewer)
    for unit in tree.values():
        assert client.get(reverse("unit_detail", args=[unit.pk])).status_code == 200
    for member in people.values():
        assert client.get(reverse("member_detail", args=[member.pk])).status_code == 200
    page = client.get(reverse("home")).content.decode()
    for unit in tree.values():
        assert reverse("unit_detail", args=[unit.pk]) in page
    assert reverse("import_upload") not in page


def test_outsider_sees_the_notice_and_no_units(login, outsider, people, tree):
    client = login(outsider)
    page = client.get(reverse("home")).content.decode()
    assert "Tài khoản chưa được giao vai trò" in page
    assert "Không có đơn vị nào phù hợp." in page
    for unit in tree.values():
        assert reverse("unit_detail", args=[unit.pk]) not in page
        assert client.get(reverse("unit_detail", args=[unit.pk])).status_code == 404
    for member in people.values():
        assert client.get(reverse("member_detail", args=[member.pk])).status_code == 404


def test_superuser_sees_every_tree(login, admin_user, people, tree, other_tree):
    client = login(admin_user)
    page = client.get(reverse("home")).content.decode()
    assert "Tài khoản chưa được giao vai trò" not in page
    for unit in [*tree.values(), *other_tree.values()]:
        assert reverse("unit_detail", args=[unit.pk]) in page
        assert client.get(reverse("unit_detail", args=[unit.pk])).status_code == 200
    for member in Member.objects.all():
        assert client.get(reverse("member_detail", args=[member.pk])).status_code == 200


def test_missing_and_out_of_scope_objects_give_the_same_404(login, secretary_a, people, tree):
    client = login(secretary_a)
    missing_pk = Unit.objects.order_by("-pk").first().pk + 1000
    hidden = client.get(reverse("unit_detail", args=[tree["cell_b"].pk]))
    missing = client.get(reverse("unit_detail", args=[missing_pk]))
    assert hidden.status_code == missing.status_code == 404
    # Identical but for the per-response masking of the CSRF token in the logout form.
    unmask = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert unmask.sub(b"", hidden.content) == unmask.sub(b"", missing.content)

    missing_pk = Member.objects.order_by("-pk").first().pk + 1000
    hidden = client.get(reverse("member_detail", args=[people["cuong"].pk]))
    missing = client.get(reverse("member_detail", args=[missing_pk]))
    assert hidden.status_code == missing.status_code == 404
    # Identical but for the per-response masking of the CSRF token in the logout form.
    unmask = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert unmask.sub(b"", hidden.content) == unmask.sub(b"", missing.content)


def test_dissolved_units_are_listed_only_with_the_filter(login, staff, people, tree):
    tree["cell_b"].dissolved_on = datetime.date(2024, 2, 1)
    tree["cell_b"].save()
    client = login(staff)
    cell_b_url = reverse("unit_detail", args=[tree["cell_b"].pk])
    assert cell_b_url not in client.get(reverse("home")).content.decode()
    page = client.get(reverse("home"), {"dissolved": "on"}).content.decode()
    assert cell_b_url in page
    assert "Đã giải thể 01/02/2024" in page
    response = client.get(cell_b_url)
    assert response.status_code == 200
    assert "Đã giải thể ngày 01/02/2024" in response.content.decode()


def test_secretary_of_a_dissolved_cell_still_reads_it(login, secretary_b, people, tree):
    tree["cell_b"].dissolved_on = datetime.date(2024, 2, 1)
    tree["cell_b"].save()
    client = login(secretary_b)
    assert client.get(reverse("unit_detail", args=[tree["cell_b"].pk])).status_code == 200
    assert client.get(reverse("member_detail", args=[people["cuong"].pk])).status_code == 200
    page = client.get(reverse("home"), {"dissolved": "on"}).content.decode()
    assert "Chi bộ B" in page


# --- anonymous visitors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("home", []),
        ("unit_detail", ["unit"]),
        ("member_detail", ["member"]),
        ("import_upload", []),
        ("import_template", []),
        ("import_preview", [1]),
        ("import_confirm", [1]),
    ],
)
def test_anonymous_visitor_is_sent_to_login(client, people, name, args):
    args = [people["an"].unit_id if a == "unit" else people["an"].pk if a == "member" else a for a in args]
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")
    assert client.post(url).status_code == 302


SAMPLE_VALUES = {IntConverter: 1, UUIDConverter: "00000000-0000-4000-8000-000000000000"}


def every_page_url() -> list[str]:
    """Every named URL of the site outside the admin, with 1 (or "x") for each parameter."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif entry.name:
                yield entry.name, prefix + str(entry.pattern), entry.pattern.converters

    urls = []
    for name, _route, converters in walk(get_resolver().url_patterns):
        if name in {"login", "health"}:  # public on purpose
            continue
        kwargs = {key: SAMPLE_VALUES.get(type(conv), "x") for key, conv in converters.items()}
        urls.append(reverse(name, kwargs=kwargs))
    return urls


def test_anonymous_visitor_is_sent_to_login_from_every_page(client, people):
    urls = every_page_url()
    assert reverse("import_upload") in urls
    for url in urls:
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302, url
            assert response["Location"].startswith(f"{reverse('login')}?next="), url


def test_anonymous_visitor_sees_the_login_page(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_anonymous_visitor_is_sent_to_admin_login(client, db):
    response = client.get(reverse("admin:party_unit_changelist"))
    assert response.status_code == 302
    assert "login" in response["Location"]
