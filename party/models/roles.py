"""Users' roles in units: who may read and enter what."""

from django.conf import settings
from django.db import models


class RoleKind(models.TextChoices):
    SECRETARY = "secretary", "Bí thư chi bộ (nhập liệu cho chi bộ)"
    STAFF = "staff", "Cán bộ đảng ủy (xem và nhập liệu toàn đơn vị)"
    VIEWER = "viewer", "Người xem (chỉ xem)"

    @classmethod
    def editing(cls) -> list[str]:
        return [cls.SECRETARY, cls.STAFF]


class UnitRole(models.Model):
    """A user's role in a unit; it covers the unit's whole subtree (vai trò)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="unit_roles",
        verbose_name="tài khoản",
    )
    unit = models.ForeignKey(
        "party.Unit", on_delete=models.CASCADE, related_name="roles", verbose_name="đơn vị"
    )
    role = models.CharField("vai trò", max_length=20, choices=RoleKind.choices)

    class Meta:
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò trong đơn vị"
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="one_role_per_user_and_unit")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit.short_name}"
