from django.urls import path

from .views import checks, complaints, notices, procedure

urlpatterns = [
    path("findings/", checks.finding_list, name="finding-list"),
    path("findings/close-gone/", checks.findings_close_gone_view, name="findings-close-gone"),
    path("findings/export.xlsx", checks.finding_export, name="finding-export"),
    path("findings/<int:pk>/", checks.finding_detail, name="finding-detail"),
    path("findings/<int:pk>/step/", checks.finding_step, name="finding-step"),
    path("findings/<int:pk>/assign/", checks.finding_assign_view, name="finding-assign"),
    path("rosters/", checks.roster_list, name="roster-list"),
    path("checks/start/", checks.check_start, name="check-start"),
    path("checks/<int:pk>/", checks.check_job, name="check-job"),
    path("applications/", procedure.application_list, name="application-list"),
    path("applications/ranking/", procedure.ranking, name="application-ranking"),
    path("applications/<int:pk>/", procedure.application_detail, name="application-detail"),
    path("applications/<int:pk>/step/", procedure.application_step, name="application-step"),
    path("applications/files/<int:pk>/", procedure.attachment, name="application-attachment"),
    path(
        "households/<int:household_pk>/apply/",
        procedure.application_new,
        name="application-new",
    ),
    path("notices/", notices.notice_list, name="notice-list"),
    path("notices/new/<str:level>/", notices.notice_new, name="notice-new"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice-detail"),
    path("notices/<int:pk>/print/", notices.notice_print, name="notice-print"),
    path("notices/<int:pk>/objections/", notices.objection_new, name="objection-new"),
    path("objections/<int:pk>/decide/", notices.objection_decide, name="objection-decide"),
    path("complaints/", complaints.complaint_list, name="complaint-list"),
    path("complaints/new/", complaints.complaint_new, name="complaint-new"),
    path("complaints/<int:pk>/", complaints.complaint_detail, name="complaint-detail"),
    path(
        "complaints/<int:pk>/<str:act>/",
        complaints.complaint_act,
        name="complaint-act",
    ),
]
