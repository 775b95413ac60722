"""Checks every kind of work record shares: list filtering, scope and deletion through HTTP."""

import pytest
from django.urls import reverse


@pytest.fixture
def shown():
    """Which of `labels` a list page shows for the given filter parameters (in the given order)."""

    def _shown(client, slug: str, labels: list[str], **params) -> list[str]:
        response = client.get(reverse(f"{slug}_list"), params)
        assert response.status_code == 200
        page = response.content.decode()
        return [label for label in labels if label in page]

    return _shown


@pytest.fixture
def assert_hidden_from(login):
    """Another cell's secretary: 404 on detail, edit (GET and POST) and delete; nothing in lists."""

    def _assert(user, slug: str, record, text: str, query: str, post_data: dict) -> None:
        client = login(user)
        for action in ("detail", "edit", "delete"):
            assert client.get(reverse(f"{slug}_{action}", args=[record.pk])).status_code == 404, action
        assert client.post(reverse(f"{slug}_edit", args=[record.pk]), post_data).status_code == 404
        assert client.post(reverse(f"{slug}_delete", args=[record.pk])).status_code == 404
        for params in ({}, {"q": query}, {"unit": record.unit.pk}):
            page = client.get(reverse(f"{slug}_list"), params).content.decode()
            assert text not in page, params
        version = record.version
        record.refresh_from_db()
        assert record.deleted_at is None and record.version == version

    return _assert


@pytest.fixture
def assert_staff_only_deletion(login):
    """Only committee staff delete, after a confirmation page; the record is marked, not removed."""

    def _assert(slug: str, record, *, staff, others) -> None:
        model = type(record)
        url = reverse(f"{slug}_delete", args=[record.pk])
        history_before = record.history.count()
        for user in others:
            client = login(user)
            assert client.get(url).status_code == 403, user.username
            assert client.post(url).status_code == 403, user.username
        client = login(staff)
        confirm = client.get(url)
        assert confirm.status_code == 200
        assert "Bản ghi sẽ không còn trong danh sách" in confirm.content.decode()
        assert model.objects.filter(pk=record.pk).exists()  # a GET deletes nothing
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == reverse(f"{slug}_list")
        assert not model.objects.filter(pk=record.pk).exists()
        kept = model.all_objects.get(pk=record.pk)
        assert kept.deleted_at is not None and kept.deleted_by == staff
        assert record.history.count() == history_before + 1
        assert record.history.first().deleted_at is not None  # the newest version says deleted
        assert client.get(reverse(f"{slug}_detail", args=[record.pk])).status_code == 404
        assert client.get(reverse(f"{slug}_edit", args=[record.pk])).status_code == 404

    return _assert
