"""The back office, driven through real admin pages as the superuser."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from party.models import Membership, RoleKind, Unit, UnitKind, UnitRole
from tests.conftest import make_unit

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style[\s>]", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


class _FormFields(HTMLParser):
    """The values a browser would submit for one form of a page, unchanged."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.fields: dict[str, list[str]] = {}
        self.select: tuple[str, bool] | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None

    def add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.add(attrs["name"], attrs.get("value", "on" if kind in {"checkbox", "radio"} else ""))
        elif tag == "select":
            self.select, self.options = (attrs["name"], "multiple" in attrs), []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.add(self.textarea, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.fields.setdefault(name, []).extend(chosen)
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea][-1] += data


def form_data(response, form_id: str) -> dict[str, list[str]]:
    assert response.status_code == 200
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.fields, f"no form #{form_id} on the page"
    return parser.fields


def unit_form(unit: Unit | None = None, **changes) -> dict[str, str]:
    data = {"code": "", "parent_code": "", "short_name": "", "name": "", "kind": UnitKind.CELL}
    if unit is not None:
        parent = Unit.objects.get_parent(unit, update=True)
        data.update(
            code=unit.code,
            parent_code=parent.code if parent else "",
            short_name=unit.short_name,
            name=unit.name,
            kind=unit.kind,
        )
    data.update(sort_order="0", dissolved_on="")
    data.update(changes)
    return data


def tree_problems() -> tuple[list, ...]:
    return Unit.objects.find_problems()


def children_codes(code: str) -> list[str]:
    return list(Unit.objects.get_children(Unit.objects.get(code=code)).values_list("code", flat=True))


def assert_tree_is_consistent() -> None:
    assert tree_problems() == ([], [], [], [], [])


@pytest.fixture
def admin_client(login, admin_user):
    return login(admin_user)


@pytest.fixture
def deep_tree(tree):
    """Cell A gets a sub-unit with a sub-sub-unit, so moving cell A has descendants to carry."""
    group = make_unit("TO1", tree["cell_a"], kind=UnitKind.CELL, short_name="Tổ đảng 1")
    leaf = make_unit("TO1A", group, kind=UnitKind.CELL, short_name="Tổ con 1A")
    other_root = make_unit("DB2", kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ Hai")
    make_unit("DB2C", other_root, short_name="Chi bộ của Đảng bộ Hai")
    return {**tree, "group": group, "leaf": leaf, "other_root": other_root}


# --- every ModelAdmin ------------------------------------------------------------------------------


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_every_admin_page_opens(admin_client, people, staff, secretary_a, model, model_admin):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "changelist"), {"q": "nguyễn văn"}).status_code == 200
    assert admin_client.get(admin_url(model, "changelist"), {"q": "CBA"}).status_code == 200
    add = admin_client.get(admin_url(model, "add"))
    request = add.wsgi_request
    assert add.status_code == (200 if model_admin.has_add_permission(request) else 403)
    first = model_admin.get_queryset(request).first()
    if first is not None:
        assert admin_client.get(admin_url(model, "change", first.pk)).status_code == 200


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_admin_changelists_carry_no_inline_code(admin_client, people, staff, model, model_admin):
    response = admin_client.get(admin_url(model, "changelist"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    page = response.content.decode()
    assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page)
    assert not EVENT_HANDLER.search(page), EVENT_HANDLER.search(page)
    assert not INLINE_STYLE.search(page), INLINE_STYLE.search(page)


def test_admin_forms_carry_no_inline_script(admin_client, people):
    for url in (
        admin_url(Unit, "add"),
        admin_url(Unit, "change", people["an"].unit_id),
        reverse("admin:party_member_change", args=[people["an"].pk]),
    ):
        page = admin_client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page)
        assert not EVENT_HANDLER.search(page), EVENT_HANDLER.search(page)


def test_admin_speaks_vietnamese(admin_client):
    response = admin_client.get(reverse("admin:index"))
    page = response.content.decode()
    assert "Quản trị hệ thống" in page
    assert "Thoát" in page  # "Log out"
    assert "Đơn vị" in page or "đơn vị" in page
    assert response["Content-Language"] == "vi"


def test_admin_search_ignores_diacritics(admin_client, people):
    page = admin_client.get(reverse("admin:party_member_changelist"), {"q": "NGUYEN VAN AN"}).content.decode()
    assert "Nguyễn Văn An" in page
    assert "Lê Văn Cường" not in page
    page = admin_client.get(reverse("admin:party_unit_changelist"), {"q": "chi bo a"}).content.decode()
    assert "Chi bộ A" in page


def test_units_cannot_be_deleted_in_admin(admin_client, tree):
    response = admin_client.get(reverse("admin:party_unit_delete", args=[tree["cell_a"].pk]))
    assert response.status_code == 403


# --- the unit tree -------------------------------------------------------------------------------


def test_admin_creates_a_unit_under_a_parent_code(admin_client, tree):
    data = unit_form(code="cbd", parent_code="db ", short_name="Chi bộ  D", name="Chi bộ D")
    response = admin_client.post(admin_url(Unit, "add"), data)
    assert response.status_code == 302, response.content.decode()
    unit = Unit.objects.get(code="CBD")
    assert unit.short_name == "Chi bộ D"
    assert Unit.objects.get_parent(unit) == tree["committee"]
    assert unit.path.startswith(tree["committee"].path)
    assert unit.depth == 2
    assert_tree_is_consistent()


def test_admin_creates_a_root_unit(admin_client, tree):
    data = unit_form(code="DBX", short_name="Đảng bộ X", name="Đảng bộ X", kind=UnitKind.GRASSROOTS_COMMITTEE)
    assert admin_client.post(admin_url(Unit, "add"), data).status_code == 302
    assert Unit.objects.get(code="DBX").depth == 1
    assert_tree_is_consistent()


def test_admin_refuses_an_unknown_parent_code(admin_client, tree):
    data = unit_form(code="CBD", parent_code="KHONGCO", short_name="Chi bộ D", name="Chi bộ D")
    response = admin_client.post(admin_url(Unit, "add"), data)
    assert response.status_code == 200
    assert "Không có đơn vị mã “KHONGCO”." in response.content.decode()
    assert not Unit.objects.filter(code="CBD").exists()


def test_admin_change_form_shows_the_parent_code(admin_client, tree):
    page = admin_client.get(admin_url(Unit, "change", tree["cell_a"].pk)).content.decode()
    assert re.search(r'name="parent_code"[^>]*value="DB"|value="DB"[^>]*name="parent_code"', page)


def test_admin_moves_a_unit_with_its_descendants(admin_client, deep_tree):
    cell_a, new_parent = deep_tree["cell_a"], deep_tree["other_root"]
    response = admin_client.post(admin_url(Unit, "change", cell_a.pk), unit_form(cell_a, parent_code="DB2"))
    assert response.status_code == 302, response.content.decode()

    moved = {u.code: u for u in Unit.objects.filter(code__in=["CBA", "TO1", "TO1A", "DB2"])}
    assert Unit.objects.get_parent(moved["CBA"]) == new_parent
    assert moved["CBA"].path.startswith(moved["DB2"].path)
    assert moved["TO1"].path.startswith(moved["CBA"].path)
    assert moved["TO1A"].path.startswith(moved["TO1"].path)
    assert [moved[c].depth for c in ("CBA", "TO1", "TO1A")] == [2, 3, 4]
    assert set(children_codes("DB")) == {"CBB", "DTN"}
    assert_tree_is_consistent()


def test_moved_unit_takes_its_members_and_scope_along(admin_client, deep_tree, people, staff):
    cell_a = deep_tree["cell_a"]
    admin_client.post(admin_url(Unit, "change", cell_a.pk), unit_form(cell_a, parent_code="DB2"))
    names = set(Unit.objects.visible_to(staff).values_list("code", flat=True))
    assert names == {"DB", "CBB", "DTN"}
    from party.models import Member

    assert set(Member.objects.in_subtree(deep_tree["other_root"]).values_list("full_name", flat=True)) == {
        "Nguyễn Văn An",
        "Trần Thị Bình",
    }


def test_admin_moves_a_unit_to_the_root(admin_client, deep_tree):
    cell_a = deep_tree["cell_a"]
    response = admin_client.post(admin_url(Unit, "change", cell_a.pk), unit_form(cell_a, parent_code=""))
    assert response.status_code == 302, response.content.decode()
    cell_a = Unit.objects.get(code="CBA")
    assert cell_a.depth == 1
    assert Unit.objects.get(code="TO1A").depth == 3
    assert_tree_is_consistent()


@pytest.mark.parametrize("target", ["CBA", "TO1", "TO1A"])
def test_admin_refuses_to_move_a_unit_into_itself_or_below(admin_client, deep_tree, target):
    cell_a = deep_tree["cell_a"]
    paths_before = dict(Unit.objects.values_list("code", "path"))
    response = admin_client.post(admin_url(Unit, "change", cell_a.pk), unit_form(cell_a, parent_code=target))
    assert response.status_code == 200
    assert "Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc của nó." in response.content.decode()
    assert dict(Unit.objects.values_list("code", "path")) == paths_before
    assert_tree_is_consistent()


def test_admin_edit_without_move_keeps_the_place(admin_client, deep_tree):
    cell_a = deep_tree["cell_a"]
    paths_before = dict(Unit.objects.values_list("code", "path"))
    data = unit_form(cell_a, name="Chi bộ A (tên mới)")
    assert admin_client.post(admin_url(Unit, "change", cell_a.pk), data).status_code == 302
    assert Unit.objects.get(code="CBA").name == "Chi bộ A (tên mới)"
    assert dict(Unit.objects.values_list("code", "path")) == paths_before
    assert_tree_is_consistent()


def test_admin_sort_order_reorders_siblings(admin_client, deep_tree):
    cell_a = deep_tree["cell_a"]
    assert (
        admin_client.post(admin_url(Unit, "change", cell_a.pk), unit_form(cell_a, sort_order="9")).status_code
        == 302
    )
    assert children_codes("DB") == ["CBB", "DTN", "CBA"]
    assert Unit.objects.get(code="TO1A").path.startswith(Unit.objects.get(code="CBA").path)
    assert_tree_is_consistent()


def test_admin_sort_order_of_a_root_reorders_roots(admin_client, deep_tree):
    committee = deep_tree["committee"]
    response = admin_client.post(
        admin_url(Unit, "change", committee.pk), unit_form(committee, sort_order="9")
    )
    assert response.status_code == 302, response.content.decode()
    assert list(Unit.objects.get_root_nodes().values_list("code", flat=True)) == ["DB2", "DB"]
    assert_tree_is_consistent()


# --- members -------------------------------------------------------------------------------------


def member_change(admin_client, member, **changes):
    url = reverse("admin:party_member_change", args=[member.pk])
    data = form_data(admin_client.get(url), "member_form")
    data.update({key: [value] for key, value in changes.items()})
    return admin_client.post(url, data)


def test_admin_unit_change_transfers_the_member(admin_client, people, tree):
    an = people["an"]
    Membership.objects.filter(member=an).update(started_on=datetime.date(2020, 3, 1))
    response = member_change(admin_client, an, unit=str(tree["cell_b"].pk), transfer_date="15/05/2024")
    assert response.status_code == 302, response.content.decode()

    an.refresh_from_db()
    assert an.unit == tree["cell_b"]
    periods = list(an.memberships.order_by("started_on").values_list("unit__code", "started_on", "ended_on"))
    assert periods == [
        ("CBA", datetime.date(2020, 3, 1), datetime.date(2024, 5, 15)),
        ("CBB", datetime.date(2024, 5, 15), None),
    ]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Đã chuyển sinh hoạt sang Chi bộ B từ ngày 15/05/2024" in m for m in messages)


def test_admin_transfer_without_a_date_happens_today(admin_client, people, tree):
    an = people["an"]
    Membership.objects.filter(member=an).update(started_on=datetime.date(2020, 3, 1))
    assert member_change(admin_client, an, unit=str(tree["cell_b"].pk)).status_code == 302
    closed = an.memberships.get(unit=tree["cell_a"])
    assert closed.ended_on == datetime.date.today()


def test_admin_transfer_before_the_current_period_is_refused(admin_client, people, tree):
    an = people["an"]
    Membership.objects.filter(member=an).update(started_on=datetime.date(2020, 3, 1))
    response = member_change(admin_client, an, unit=str(tree["cell_b"].pk), transfer_date="01/01/2019")
    assert response.status_code == 200
    assert "01/03/2020" in response.content.decode()
    an.refresh_from_db()
    assert an.unit == tree["cell_a"]
    assert an.memberships.count() == 1


def test_admin_edit_without_unit_change_is_no_transfer(admin_client, people):
    an = people["an"]
    response = member_change(admin_client, an, position="Phó bí thư")
    assert response.status_code == 302, response.content.decode()
    an.refresh_from_db()
    assert an.position == "Phó bí thư"
    assert an.memberships.count() == 1


def test_admin_adds_a_member_with_a_first_period(admin_client, tree):
    url = reverse("admin:party_member_add")
    data = form_data(admin_client.get(url), "member_form")
    data.update(
        full_name=["  Hồ  Thị   Lan "],
        gender=["female"],
        birth_date=["05/04/1990"],
        party_status=["full"],
        unit=[str(tree["cell_a"].pk)],
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    from party.models import Member

    lan = Member.objects.get(full_name="Hồ Thị Lan")
    assert lan.birth_date == datetime.date(1990, 4, 5)
    assert lan.memberships.get().unit == tree["cell_a"]


# --- accounts ------------------------------------------------------------------------------------


def test_user_admin_shows_the_unit_roles_inline(admin_client, secretary_a):
    page = admin_client.get(reverse("admin:auth_user_change", args=[secretary_a.pk])).content.decode()
    assert "Vai trò trong đơn vị" in page
    assert 'name="unit_roles-0-role"' in page


def test_user_admin_saves_a_role(admin_client, outsider, tree):
    url = reverse("admin:auth_user_change", args=[outsider.pk])
    data = form_data(admin_client.get(url), "user_form")
    data.update({"unit_roles-0-unit": [str(tree["cell_a"].pk)], "unit_roles-0-role": [RoleKind.SECRETARY]})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    role = UnitRole.objects.get(user=outsider)
    assert (role.unit, role.role) == (tree["cell_a"], RoleKind.SECRETARY)
    assert set(Unit.objects.visible_to(get_user_model().objects.get(pk=outsider.pk))) == {tree["cell_a"]}


def test_user_admin_refuses_two_roles_in_one_unit(admin_client, secretary_a, tree):
    url = reverse("admin:auth_user_change", args=[secretary_a.pk])
    data = form_data(admin_client.get(url), "user_form")
    data.update({"unit_roles-1-unit": [str(tree["cell_a"].pk)], "unit_roles-1-role": [RoleKind.VIEWER]})
    data["unit_roles-TOTAL_FORMS"] = ["2"]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert UnitRole.objects.filter(user=secretary_a).count() == 1


def test_user_changelist_lists_roles(admin_client, secretary_a):
    page = admin_client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "Bí thư chi bộ — Chi bộ A" in page


def test_admin_cannot_reopen_a_closed_period_beside_the_open_one(admin_client, people, tree):
    an = people["an"]
    Membership.objects.filter(member=an).update(started_on=datetime.date(2020, 3, 1))
    member_change(admin_client, an, unit=str(tree["cell_b"].pk), transfer_date="15/05/2024")
    url = reverse("admin:party_member_change", args=[an.pk])
    data = form_data(admin_client.get(url), "member_form")
    closed = an.memberships.get(unit=tree["cell_a"])
    index = next(key for key, value in data.items() if value == [str(closed.pk)]).split("-")[1]
    data[f"memberships-{index}-ended_on"] = [""]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Mỗi người chỉ có một quá trình sinh hoạt chưa có “đến ngày”." in response.content.decode()
    assert an.memberships.filter(ended_on__isnull=True).count() == 1


def test_admin_refuses_a_period_ending_before_it_starts(admin_client, people):
    an = people["an"]
    Membership.objects.filter(member=an).update(started_on=datetime.date(2020, 3, 1))
    url = reverse("admin:party_member_change", args=[an.pk])
    data = form_data(admin_client.get(url), "member_form")
    data["memberships-0-ended_on"] = ["01/01/2019"]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "“Đến ngày” không thể trước “từ ngày”." in response.content.decode()
    assert an.memberships.get().ended_on is None


def test_admin_refuses_a_duplicate_card_number_in_vietnamese(admin_client, people):
    response = member_change(admin_client, people["cuong"], party_card_number="1001")
    assert response.status_code == 200
    assert "Số thẻ đảng viên này đã có ở một người khác." in response.content.decode()
    people["cuong"].refresh_from_db()
    assert people["cuong"].party_card_number == "2001"
