"""The one way views fetch a single object (inside the user's scope, or 404), and who may do what
beyond reading that scope: load workbooks, export everything held on a person."""

from django.db import models
from django.shortcuts import get_object_or_404


def get_visible_or_404[ModelT: models.Model](model: type[ModelT], user, **lookup) -> ModelT:
    """The object if it exists and the user may see it; otherwise 404, the same in both cases."""
    return get_object_or_404(model.objects.visible_to(user), **lookup)


def can_export_subject_data(user, member) -> bool:
    """Who may export everything held on one person (reports/subject_views.py): committee staff
    over the person's unit and superusers; not secretaries, not viewers."""
    from party.models.units import is_staff_for

    return is_staff_for(user, member.unit)


def can_import(user) -> bool:
    """Committee staff, cell secretaries and superusers load workbooks (each sheet: see below)."""
    from party.models import RoleKind
    from party.models.units import user_roles

    return user.is_superuser or any(role in RoleKind.editing() for role, _ in user_roles(user))


def can_import_sheet(user, sheet_class) -> bool:
    """Of the registered import sheets (party.imports.registry), staff and superusers use every
    one; secretaries only those open to them (`Sheet.open_to_secretaries`), which still take only
    units in the user's editing scope.
    """
    from party.imports import registry
    from party.models import RoleKind
    from party.models.units import user_roles

    if sheet_class not in registry.sheets():
        return False
    if user.is_superuser:
        return True
    if sheet_class.open_to_secretaries:
        return can_import(user)
    return any(role == RoleKind.STAFF for role, _ in user_roles(user))
