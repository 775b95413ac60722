"""Small project-wide middleware."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


def no_store(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Every page and file the app itself answers gets `Cache-Control: no-store` (and private,
    max-age=0): they hold personal data. Static files are served before this runs (whitenoise),
    with their own long cache headers."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        add_never_cache_headers(response)
        return response

    return middleware
