from django.test import Client
from django.urls import reverse


def test_not_found_page_is_in_vietnamese(login, secretary_a, tree):
    response = login(secretary_a).get(reverse("unit_detail", args=[tree["cell_b"].pk]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_forbidden_page_says_why_in_vietnamese(login, viewer, tree):
    response = login(viewer).post(reverse("plan_edit", args=[tree["cell_a"].pk, 2026]), {})
    assert response.status_code == 403
    assert "Anh/chị chỉ được xem kế hoạch này" in response.content.decode()


def test_stale_form_token_gets_a_vietnamese_page(secretary_a, tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary_a)
    response = client.post(reverse("plan_edit", args=[tree["cell_a"].pk, 2026]), {})
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()
