from django.urls import reverse


def test_secretary_sees_own_cell_page(login, secretary_a, people, tree):
    response = login(secretary_a).get(reverse("unit_detail", args=[tree["cell_a"].pk]))
    assert response.status_code == 200
    assert "Nguyễn Văn An" in response.content.decode()


def test_secretary_gets_404_for_other_cell(login, secretary_a, people, tree):
    response = login(secretary_a).get(reverse("unit_detail", args=[tree["cell_b"].pk]))
    assert response.status_code == 404
