from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A Vietnamese page instead of Django's English one when a form's token is stale."""
    return render(request, "403_csrf.html", status=403)
