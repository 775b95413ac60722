"""The login backend: Django's ModelBackend, loading the user's roles with the user."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import F

from party.models.roles import UnitRole


class RoleLoadingBackend(ModelBackend):
    """Every signed-in request needs the user's roles (scope, menu): they come in the query that
    loads the user for the request, one query less on every page."""

    def get_user(self, user_id):
        roles = list(
            UnitRole.objects.filter(user_id=user_id)
            .select_related("user")
            .annotate(unit_path=F("unit__path"))
        )
        if not roles:  # superusers and accounts without a role yet
            user = super().get_user(user_id)
        else:
            user = roles[0].user
            user = user if self.user_can_authenticate(user) else None
        if user is not None:
            user._roles = [(role.role, role.unit_path) for role in roles]  # what user_roles() reads
        return user
