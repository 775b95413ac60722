from django.http import HttpRequest

from party.access import can_import


def navigation(request: HttpRequest) -> dict:
    """Whether the menu shows the import link (base.html)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"can_import": can_import(user)}
