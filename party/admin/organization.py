"""Back office of the organization: the unit tree, people with their periods, import batches."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from party.admin.base import SearchKeyMixin
from party.models import (
    AccessEvent,
    ImportBatch,
    Member,
    Membership,
    Unit,
    check_transfer_date,
    transfer_member,
)
from party.privacy.access_log import log_access


class UnitAdminForm(forms.ModelForm):
    """The parent is typed as a unit code: a select of 15,000 units would weigh a megabyte."""

    parent_code = forms.CharField(
        label="Mã đơn vị cấp trên",
        required=False,
        help_text="Để trống nếu là đơn vị gốc. Đổi mã này để chuyển đơn vị (cùng toàn bộ đơn vị trực thuộc).",
    )

    class Meta:
        model = Unit
        fields = ["code", "short_name", "name", "kind", "sort_order", "dissolved_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.depth > 1:
            self.fields["parent_code"].initial = Unit.objects.get_parent(self.instance).code

    def clean_parent_code(self):
        code = self.cleaned_data["parent_code"].strip().upper()
        if not code:
            return None
        parent = Unit.objects.filter(code=code).first()
        if parent is None:
            raise ValidationError(f"Không có đơn vị mã “{code}”.")
        if self.instance.pk and parent.path.startswith(self.instance.path):
            raise ValidationError("Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc của nó.")
        return parent


@admin.register(Unit)
class UnitAdmin(SearchKeyMixin, admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ["tree_name", "code", "kind", "sort_order", "dissolved_on"]
    list_filter = ["kind", ("dissolved_on", admin.EmptyFieldListFilter)]
    search_fields = ["code", "search_name"]
    list_per_page = 100
    ordering = ["path"]
    fields = ["code", "parent_code", "short_name", "name", "kind", "sort_order", "dissolved_on"]

    @admin.display(description="Đơn vị (theo cây)", ordering="path")
    def tree_name(self, unit: Unit) -> str:
        return format_html("{}{}", "— " * (unit.depth - 1), unit.short_name)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Units are dissolved, never deleted: their history must stay in the reports.
        return False

    @transaction.atomic
    def save_model(self, request, obj: Unit, form, change: bool) -> None:
        parent = form.cleaned_data["parent_code"]
        if not change:
            created = (
                Unit.objects.add_child(parent, instance=obj)
                if parent
                else Unit.objects.add_root(instance=obj)
            )
            obj.pk = created.pk
            return
        old_parent = Unit.objects.get_parent(obj, update=True)
        moved = (old_parent.pk if old_parent else None) != (parent.pk if parent else None)
        obj.save()
        if moved or "sort_order" in form.changed_data:
            obj.refresh_from_db()
            if parent is not None:
                Unit.objects.move(obj, parent, "sorted-child")
            else:
                Unit.objects.move(obj, Unit.objects.get_first_root_node(), "sorted-sibling")
            if moved:
                messages.info(request, f"Đã chuyển “{obj.short_name}” sang đơn vị cấp trên mới.")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["unit", "started_on", "ended_on"]
    readonly_fields = ["unit"]
    can_delete = False
    verbose_name_plural = "Quá trình sinh hoạt (chuyển đơn vị bằng cách đổi “Đơn vị sinh hoạt” ở trên)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class MemberAdminForm(forms.ModelForm):
    transfer_date = forms.DateField(
        label="Ngày chuyển sinh hoạt",
        required=False,
        help_text="Chỉ dùng khi đổi đơn vị sinh hoạt; để trống là hôm nay.",
    )

    class Meta:
        model = Member
        fields = [
            "full_name", "gender", "birth_date", "position", "is_leader",
            "party_status", "party_card_number", "admitted_on", "confirmed_on", "unit",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        # transfer_member() refuses a date before the current period; say so here, not with a 500.
        if self.instance.pk and "unit" in self.changed_data:
            try:
                check_transfer_date(self.instance, cleaned.get("transfer_date") or datetime.date.today())
            except ValidationError as error:
                self.add_error("transfer_date", error)
        return cleaned


@admin.register(Member)
class MemberAdmin(SearchKeyMixin, SimpleHistoryAdmin):
    # “Lịch sử” lists every earlier version of a person's details, with who changed it and when.
    form = MemberAdminForm
    list_display = ["full_name", "birth_date", "party_status", "party_card_number", "unit", "is_leader"]
    list_filter = ["party_status", "gender", "is_leader"]
    list_select_related = ["unit"]
    search_fields = ["search_name", "party_card_number", "unit__code"]
    autocomplete_fields = ["unit"]  # searched by code or name (UnitAdmin.search_fields)
    list_per_page = 100
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["full_name", "gender", "birth_date", "position", "is_leader"]}),
        ("Đảng tịch", {"fields": ["party_status", "party_card_number", "admitted_on", "confirmed_on"]}),
        ("Đơn vị", {"fields": ["unit", "transfer_date"]}),
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        member = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and response.status_code == 200 and member is not None:
            log_access(request, AccessEvent.Kind.MEMBER_VIEWED, member=member)
        return response

    @transaction.atomic
    def save_model(self, request, obj: Member, form, change: bool) -> None:
        if change and "unit" in form.changed_data:
            new_unit = obj.unit
            obj.unit_id = form.initial["unit"]
            obj.save()
            on = form.cleaned_data.get("transfer_date") or datetime.date.today()
            transfer_member(member=obj, to_unit=new_unit, on=on)
            messages.info(request, f"Đã chuyển sinh hoạt sang {new_unit.short_name} từ ngày {on:%d/%m/%Y}.")
            return
        obj.save()


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "uploaded_by", "status", "created_at", "committed_at"]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]
    exclude = ["content"]
    readonly_fields = ["file_name", "uploaded_by", "status", "summary", "created_at", "committed_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request) -> bool:
        return False
