from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A Vietnamese page instead of Django's English one when a form's token is stale."""
    return render(request, "403_csrf.html", status=403)


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For the monitor and the load balancer: 200 when the database answers, 503 when it does not.

    Says nothing about the data, so it needs no login.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
