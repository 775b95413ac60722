"""The deed count stored on plans and registrations never drifts from their deeds, whatever
writes them: the browser forms, admin and the ORM one deed at a time, bulk imports, the demo."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from pledges.models import Plan, PlanDeed, Pledge, PledgeDeed
from tests.pledges.helpers import deed_post

YEAR = 2026


def assert_no_drift() -> None:
    assert list(Pledge.objects.with_drifted_deed_counts().values_list("pk", "deed_count", "actual")) == []
    assert list(Plan.objects.with_drifted_deed_counts().values_list("pk", "deed_count", "actual")) == []


@pytest.mark.django_db
def test_registration_form_adds_and_removes_rows(login, secretary_a, people):
    client = login(secretary_a)
    url = reverse("pledge_edit", args=[people["an"].pk, YEAR])
    rows = [{"content": f"Việc {n}", "target": "", "deadline": ""} for n in range(3)]
    assert client.post(url, deed_post(rows, commitment="", version="0")).status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.deed_count == 3
    deeds = [
        {"id": str(d.pk), "content": d.content, "target": "", "deadline": "", "DELETE": i == 0}
        for i, d in enumerate(pledge.deeds.all())
    ]
    deeds = [{k: v for k, v in d.items() if v is not False} for d in deeds]
    deeds += [
        {"content": "Mới 1", "target": "", "deadline": ""},
        {"content": "Mới 2", "target": "", "deadline": ""},
    ]
    assert client.post(url, deed_post(deeds, initial=3, commitment="", version="1")).status_code == 302
    pledge.refresh_from_db()
    assert pledge.deed_count == 4 == pledge.deeds.count()
    assert_no_drift()


@pytest.mark.django_db
def test_plan_form(login, secretary_a, tree):
    client = login(secretary_a)
    rows = [{"content": "Việc của chi bộ", "target": "", "deadline": ""}]
    data = deed_post(rows, title="Kế hoạch năm 2026", document_number="", document_date="", version="0")
    assert client.post(reverse("plan_edit", args=[tree["cell_a"].pk, YEAR]), data).status_code == 302
    assert Plan.objects.get().deed_count == 1
    assert_no_drift()


@pytest.mark.django_db
def test_one_deed_at_a_time_as_admin_inlines_and_the_orm_write(people, tree):
    pledge = Pledge.objects.create(member=people["an"], unit=tree["cell_a"], year=YEAR)
    first = PledgeDeed.objects.create(pledge=pledge, content="Một")
    PledgeDeed.objects.create(pledge=pledge, content="Hai")
    first.content = "Một, sửa"
    first.save()  # an edit is not a new deed
    pledge.refresh_from_db()
    assert pledge.deed_count == 2
    first.delete()
    PledgeDeed.objects.filter(pledge=pledge).delete()  # queryset deletes send the signal per row
    plan = Plan.objects.create(unit=tree["cell_a"], year=YEAR, title="Kế hoạch")
    PlanDeed.objects.create(plan=plan, content="Việc")
    pledge.refresh_from_db()
    plan.refresh_from_db()
    assert (pledge.deed_count, plan.deed_count) == (0, 1)
    assert_no_drift()


@pytest.mark.django_db
def test_demo_data_and_a_full_recount_agree(db):
    call_command("seed_demo", "--scale", "--units", "20", "--members", "300", "--years", "2", stdout=None)
    assert Pledge.objects.exists() and Plan.objects.exists()
    assert_no_drift()
    Pledge.objects.update(deed_count=0)
    assert Pledge.objects.recount_deeds() == Pledge.objects.count()
    assert_no_drift()
