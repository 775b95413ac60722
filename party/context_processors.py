import functools

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from party.access import can_import

# The menu's pages (base.html), by the name the template uses.
MENU = {
    "home": "home",
    "my_cell": "my_cell",
    "progress": "progress_start",
    "records": "work_home",
    "report": "report",
    "import": "import_upload",
    "admin": "admin:index",
    "password_change": "password_change",
    "security": "account_security",
    "logout": "logout",
}


@functools.cache
def menu_urls(script_prefix: str) -> dict[str, str]:
    """The menu's addresses, reversed once per process (and prefix): reversing them on every
    page took as long as one of the cell page's queries."""
    return {key: reverse(name) for key, name in MENU.items()}


def navigation(request: HttpRequest) -> dict:
    context = {"menu": menu_urls(get_script_prefix())}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["can_import"] = can_import(user)
    return context
