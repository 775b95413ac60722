"""Good practices and exemplars through HTTP: entry with people and units, edit, lists, scope, deletion."""

import pytest
from django.urls import reverse

from pledges.models import GoodPractice, PracticeKind

pytestmark = pytest.mark.django_db


def practice_data(unit, **overrides) -> dict:
    data = {
        "version": "0",
        "unit": str(unit.pk),
        "kind": PracticeKind.MODEL,
        "year": "2025",
        "title": "Mô hình “Mỗi tuần một việc tốt”",
        "description": "Mỗi đảng viên nhận một việc tốt cho khu dân cư",
        "people": [],
        "units_involved": [],
        "replicated_to": [],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def make_practice(unit, **fields) -> GoodPractice:
    fields.setdefault("kind", PracticeKind.MODEL)
    fields.setdefault("year", 2025)
    fields.setdefault("title", "Mô hình")
    return GoodPractice.objects.create(unit=unit, **fields)


def test_secretary_enters_a_practice_with_people(login, secretary_a, tree, people):
    client = login(secretary_a)
    data = practice_data(
        tree["cell_a"],
        people=[str(people["an"].pk), str(people["binh"].pk)],
        units_involved=[str(tree["cell_a"].pk)],
    )
    response = client.post(reverse("practices_create"), data)
    practice = GoodPractice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("practices_detail", args=[practice.pk])
    assert (practice.unit, practice.kind, practice.year, practice.title) == (
        tree["cell_a"],
        PracticeKind.MODEL,
        2025,
        "Mô hình “Mỗi tuần một việc tốt”",
    )
    assert set(practice.people.all()) == {people["an"], people["binh"]}
    assert list(practice.units_involved.all()) == [tree["cell_a"]]
    page = client.get(response["Location"]).content.decode()
    assert "Mỗi tuần một việc tốt" in page and "Mỗi đảng viên nhận một việc tốt" in page
    assert "Nguyễn Văn An" in page and "Trần Thị Bình" in page


def test_staff_records_where_a_practice_was_replicated(login, staff, tree):
    client = login(staff)
    data = practice_data(
        tree["cell_a"],
        kind=PracticeKind.PRACTICE,
        replicated_to=[str(tree["cell_b"].pk), str(tree["youth"].pk)],
    )
    assert client.post(reverse("practices_create"), data).status_code == 302
    practice = GoodPractice.objects.get()
    assert set(practice.replicated_to.all()) == {tree["cell_b"], tree["youth"]}
    page = client.get(reverse("practices_detail", args=[practice.pk])).content.decode()
    assert "Chi bộ B, Đoàn Thanh niên" in page and "Cách làm hay" in page
    assert "Chi bộ B, Đoàn Thanh niên" in client.get(reverse("practices_list")).content.decode()


def test_people_list_follows_the_unit_chosen_on_the_page(login, staff, tree, people):
    response = login(staff).get(reverse("practices_create"), {"unit": tree["cell_b"].pk})
    form = response.context["form"]
    assert set(form.fields["people"].queryset) == {people["cuong"], people["dung"]}
    assert form["unit"].value() == tree["cell_b"].pk


def test_edit_reads_back_and_refuses_a_stale_copy(login, secretary_a, tree, people):
    practice = make_practice(tree["cell_a"], title="Tên cũ")
    practice.people.set([people["an"]])
    client = login(secretary_a)
    url = reverse("practices_edit", args=[practice.pk])
    assert "Tên cũ" in client.get(url).content.decode()
    data = practice_data(
        tree["cell_a"],
        version="1",
        kind=PracticeKind.EXEMPLAR,
        title="Gương đảng viên trẻ",
        people=[str(people["binh"].pk)],
    )
    response = client.post(url, data)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.kind, practice.title, practice.version) == (
        PracticeKind.EXEMPLAR,
        "Gương đảng viên trẻ",
        2,
    )
    assert list(practice.people.all()) == [people["binh"]]
    page = client.get(response["Location"]).content.decode()
    assert "Gương đảng viên trẻ" in page and "Trần Thị Bình" in page and "Nguyễn Văn An" not in page
    stale = client.post(url, {**data, "title": "Lần hai"})
    assert stale.status_code == 200 and "vừa được người khác lưu" in stale.content.decode()
    practice.refresh_from_db()
    assert practice.title == "Gương đảng viên trẻ"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Trường này là bắt buộc"),
        ({"year": ""}, "Trường này là bắt buộc"),
        ({"year": "năm nay"}, "Nhập một số tổng thể"),
        ({"kind": "idea"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"year": "2015"}, "Năm phải từ 2016 đến"),  # the import's rule, held by the model
    ],
)
def test_bad_input_is_refused_with_a_clear_message(login, secretary_a, tree, overrides, message):
    client = login(secretary_a)
    response = client.post(reverse("practices_create"), practice_data(tree["cell_a"], **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not GoodPractice.all_objects.exists()


def test_secretary_cannot_use_the_other_cell_or_its_people(login, secretary_a, tree, people):
    client = login(secretary_a)
    for data in (
        practice_data(tree["cell_b"]),
        practice_data(tree["cell_a"], people=[str(people["cuong"].pk)]),
        practice_data(tree["cell_a"], replicated_to=[str(tree["cell_b"].pk)]),
    ):
        response = client.post(reverse("practices_create"), data)
        assert response.status_code == 200
        assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not GoodPractice.all_objects.exists()


def test_lists_filter_by_year_unit_kind_and_search_without_diacritics(login, staff, tree, shown):
    make_practice(tree["cell_a"], title="Mô hình dân vận khéo", kind=PracticeKind.MODEL)
    make_practice(tree["cell_b"], title="Gương người tốt việc tốt", kind=PracticeKind.EXEMPLAR, year=2024)
    make_practice(tree["committee"], title="Cách làm số hóa hồ sơ", kind=PracticeKind.PRACTICE)
    client = login(staff)
    titles = ["Cách làm số hóa hồ sơ", "Mô hình dân vận khéo", "Gương người tốt việc tốt"]
    assert shown(client, "practices", titles) == titles
    assert shown(client, "practices", titles, year=2024) == ["Gương người tốt việc tốt"]
    assert shown(client, "practices", titles, year=2025) == titles[:2]
    assert shown(client, "practices", titles, unit=tree["cell_a"].pk) == ["Mô hình dân vận khéo"]
    assert shown(client, "practices", titles, unit=tree["committee"].pk) == titles
    assert shown(client, "practices", titles, kind=PracticeKind.EXEMPLAR) == ["Gương người tốt việc tốt"]
    assert shown(client, "practices", titles, q="dan van kheo") == ["Mô hình dân vận khéo"]
    assert shown(client, "practices", titles, q="SO HOA") == ["Cách làm số hóa hồ sơ"]
    page = client.get(reverse("practices_list"), {"sort": "date"}).content.decode()
    assert page.index("Gương người tốt việc tốt") < page.index("Mô hình dân vận khéo")


def test_secretary_sees_only_their_cells_practices(login, secretary_a, tree, shown):
    make_practice(tree["cell_a"], title="Của chi bộ A")
    make_practice(tree["cell_b"], title="Của chi bộ B")
    make_practice(tree["committee"], title="Của Đảng bộ")
    client = login(secretary_a)
    titles = ["Của chi bộ A", "Của chi bộ B", "Của Đảng bộ"]
    assert shown(client, "practices", titles) == ["Của chi bộ A"]
    assert shown(client, "practices", titles, q="cua") == ["Của chi bộ A"]


def test_other_cells_secretary_gets_404_and_sees_nothing(secretary_b, tree, assert_hidden_from):
    practice = make_practice(tree["cell_a"], title="Riêng của chi bộ A")
    data = practice_data(tree["cell_b"], version="1")
    assert_hidden_from(secretary_b, "practices", practice, "Riêng của chi bộ A", "rieng", data)
    assert GoodPractice.objects.get().unit == tree["cell_a"]


def test_viewer_reads_but_cannot_enter_or_edit(login, viewer, tree):
    practice = make_practice(tree["cell_a"], title="Mô hình hay")
    client = login(viewer)
    assert "Mô hình hay" in client.get(reverse("practices_detail", args=[practice.pk])).content.decode()
    assert client.get(reverse("practices_create")).status_code == 403
    assert client.post(reverse("practices_create"), practice_data(tree["cell_a"])).status_code == 403
    edit_url = reverse("practices_edit", args=[practice.pk])
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, practice_data(tree["cell_a"], version="1")).status_code == 403
    assert GoodPractice.objects.count() == 1


def test_only_committee_staff_delete_after_confirmation(
    staff, secretary_a, viewer, tree, assert_staff_only_deletion
):
    practice = make_practice(tree["cell_a"])
    assert_staff_only_deletion("practices", practice, staff=staff, others=[secretary_a, viewer])
