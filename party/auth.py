"""The login backend: Django's ModelBackend, loading the user's roles with the user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import F, IntegerField, QuerySet

from party.compiled import Slot, compile_once


class RoleLoadingBackend(ModelBackend):
    """Every signed-in request needs the user's roles (scope, menu): they come in the query that
    loads the user for the request, one row a role, and that query is compiled once per process
    (party/compiled.py). Together that was a third of a cell page's database work."""

    def get_user(self, user_id):
        rows = _user_with_roles_query().objects({"pk": user_id})
        if not rows or not self.user_can_authenticate(rows[0]):
            return None
        user = rows[0]
        user._roles = [(row.role, row.role_path) for row in rows if row.role]  # what user_roles() reads
        return user


@compile_once
def _user_with_roles_query() -> QuerySet:
    users = get_user_model().objects.filter(pk=Slot("pk", IntegerField()))
    # A left join: a user without roles still comes, once, with role None.
    users = users.annotate(role=F("unit_roles__role"), role_path=F("unit_roles__unit__path"))
    return users.order_by()
