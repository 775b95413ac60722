"""The one way views fetch a single object: inside the user's scope, or 404."""

from django.db import models
from django.shortcuts import get_object_or_404


def get_visible_or_404[ModelT: models.Model](model: type[ModelT], user, **lookup) -> ModelT:
    """The object if it exists and the user may see it; otherwise 404, the same in both cases."""
    return get_object_or_404(model.objects.visible_to(user), **lookup)


def can_import(user) -> bool:
    """Committee staff and superusers load workbooks; secretaries enter data in forms."""
    from party.models import RoleKind

    if not hasattr(user, "_can_import"):
        user._can_import = user.is_superuser or user.unit_roles.filter(role=RoleKind.STAFF).exists()
    return user._can_import
