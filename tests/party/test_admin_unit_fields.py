"""In the back office every unit field is searched by code or name (autocomplete_fields), never a
raw id to type nor a select of every unit."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey, ManyToManyField
from django.urls import reverse

from party.models import Unit
from pledges.models import GoodPractice
from tests.conftest import make_unit

# (admin page, its unit fields as the add form shows them)
ADD_PAGES = [
    ("admin:party_member_add", ["unit"]),
    ("admin:party_unitrole_add", ["unit"]),
    ("admin:auth_user_change", ["unit_roles-0-unit"]),  # the roles inline of an account
    ("admin:party_meeting_add", ["unit"]),
    ("admin:party_inspection_add", ["unit", "target_units"]),
    ("admin:party_document_add", ["unit"]),
    ("admin:party_conference_add", ["unit"]),
    ("admin:pledges_plan_add", ["unit"]),
    ("admin:pledges_pledge_add", ["unit"]),
    ("admin:pledges_award_add", ["recipient_unit"]),
    ("admin:pledges_goodpractice_add", ["unit", "units_involved", "replicated_to"]),
]


def unit_fields_of_editable_admins(request) -> set[tuple[str, str]]:
    """(model label, field name) of every unit foreign key or many-to-many an admin form edits."""
    fields = set()
    for model, model_admin in admin.site._registry.items():
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue  # read-only back office pages (exports, access log) have no unit to choose
        for field in model._meta.get_fields():
            is_unit = isinstance(field, ForeignKey | ManyToManyField) and field.related_model is Unit
            if is_unit and field.editable and field.name not in model_admin.readonly_fields:
                fields.add((model._meta.label, field.name))
    return fields


def test_every_editable_unit_field_in_admin_is_an_autocomplete(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    searched = {
        (model._meta.label, name)
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.autocomplete_fields
    }
    editable = unit_fields_of_editable_admins(request)
    assert ("pledges.GoodPractice", "replicated_to") in editable  # the check sees many-to-many too
    assert editable <= searched
    for model_admin in admin.site._registry.values():
        raw = set(model_admin.raw_id_fields)
        units = {
            f.name for f in model_admin.model._meta.get_fields() if getattr(f, "related_model", None) is Unit
        }
        assert not raw & units, model_admin


@pytest.mark.parametrize(("url_name", "fields"), ADD_PAGES, ids=[name for name, _ in ADD_PAGES])
def test_admin_forms_offer_units_by_search(admin_client, admin_user, tree, url_name, fields):
    args = [admin_user.pk] if url_name.endswith("_change") else []
    page = admin_client.get(reverse(url_name, args=args)).content.decode()
    for name in fields:
        assert f'name="{name}"' in page, name
        select = page[page.index(f'name="{name}"') - 400 : page.index(f'name="{name}"') + 400]
        assert "admin-autocomplete" in select, name
    assert "Chi bộ B" not in page  # no unit is listed in the page itself


def autocomplete(client, model: str, field: str, term: str) -> list[str]:
    app_label, model_name = model.split(".")
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_admin_autocomplete_finds_units_by_code_or_name_without_diacritics(admin_client, tree):
    make_unit("CBVP", tree["committee"], short_name="Chi bộ Văn phòng")
    assert autocomplete(admin_client, "party.meeting", "unit", "chi bo van phong") == [
        "Chi bộ Văn phòng (CBVP)"
    ]
    assert autocomplete(admin_client, "party.member", "unit", "CBA") == ["Chi bộ A (CBA)"]
    assert autocomplete(admin_client, "pledges.goodpractice", "units_involved", "chi bo") == [
        "Chi bộ A (CBA)",
        "Chi bộ B (CBB)",
        "Chi bộ Văn phòng (CBVP)",
    ]


def test_only_back_office_users_reach_the_admin_autocomplete(login, staff, tree):
    client = login(staff)  # committee staff use the site, not the back office
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "party", "model_name": "meeting", "field_name": "unit", "term": "chi bo"},
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not get_user_model().objects.get(pk=staff.pk).is_staff


def test_an_admin_saves_a_good_practice_with_units_chosen_by_search(admin_client, tree):
    data = {
        "unit": tree["cell_a"].pk,
        "kind": "model",
        "year": 2025,
        "title": "Mô hình dân vận khéo",
        "description": "",
        "units_involved": [tree["cell_a"].pk, tree["cell_b"].pk],
        "replicated_to": [tree["youth"].pk],
        "version": 0,
    }
    response = admin_client.post(reverse("admin:pledges_goodpractice_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    practice = GoodPractice.all_objects.get()
    assert set(practice.units_involved.all()) == {tree["cell_a"], tree["cell_b"]}
    assert list(practice.replicated_to.all()) == [tree["youth"]]
