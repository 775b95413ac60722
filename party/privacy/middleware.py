"""The refusals a signed-in user meets, written into the access log."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from party.models import AccessEvent
from party.privacy.access_log import log_access


class RefusalLogMiddleware:
    """A 403 or 404 answered to a signed-in user goes into the access log (`refused`): someone
    trying members or units outside their scope shows up there. Static files, uploaded media and
    the health check are skipped."""

    SKIPPED_PREFIXES = ("/static/", "/media/", "/healthz/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in (403, 404)
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and not request.path.startswith(self.SKIPPED_PREFIXES)
        ):
            log_access(request, AccessEvent.Kind.REFUSED, status=response.status_code, method=request.method)
        return response
