from django.urls import path

from pledges.views import cell, evaluation, registration

urlpatterns = [
    # /my-cell/, /cells/<unit>/<year>/
    path("my-cell/", cell.my_cell, name="my_cell"),
    path("cells/<int:unit_pk>/<int:year>/", cell.cell_year, name="cell_year"),
    path("cells/<int:unit_pk>/<int:year>/plan/", cell.plan_edit, name="plan_edit"),
    path("cells/<int:unit_pk>/<int:year>/evaluation/", evaluation.cell_evaluation, name="cell_evaluation"),
    # /pledges/
    path("pledges/<int:member_pk>/<int:year>/", registration.pledge_edit, name="pledge_edit"),
    path("pledges/<int:pk>/print/", registration.pledge_print, name="pledge_print"),
    path("pledges/<int:pk>/reopen/", registration.pledge_reopen, name="pledge_reopen"),
]
