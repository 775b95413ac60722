from django.urls import path

from pledges.views import cell, evaluation, printing, progress, registration, workbook

urlpatterns = [
    # /my-cell/, /cells/<unit>/<year>/
    path("my-cell/", cell.my_cell, name="my_cell"),
    path("cells/<int:unit_pk>/<int:year>/", cell.cell_year, name="cell_year"),
    path("cells/<int:unit_pk>/<int:year>/plan/", cell.plan_edit, name="plan_edit"),
    path("cells/<int:unit_pk>/<int:year>/workbook.xlsx", workbook.cell_workbook, name="cell_workbook"),
    path("cells/<int:unit_pk>/<int:year>/evaluation/", evaluation.cell_evaluation, name="cell_evaluation"),
    path("cells/<int:unit_pk>/<int:year>/print/", printing.cell_print, name="cell_print"),
    # /pledges/
    path("pledges/<int:member_pk>/<int:year>/", registration.pledge_edit, name="pledge_edit"),
    path("pledges/<int:pk>/print/", registration.pledge_print, name="pledge_print"),
    path("pledges/<int:pk>/reopen/", registration.pledge_reopen, name="pledge_reopen"),
    # /progress/, /leaders/
    path("progress/", progress.progress_start, name="progress_start"),
    path("progress/<int:unit_pk>/<int:year>/", progress.progress, name="progress"),
    path("progress/<int:unit_pk>/<int:year>/incomplete/", progress.incomplete, name="incomplete"),
    path("leaders/<int:unit_pk>/<int:year>/", progress.leaders, name="leaders"),
]
