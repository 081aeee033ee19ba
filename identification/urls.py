from django.urls import path

from . import views

urlpatterns = [
    path("findings/", views.finding_list, name="finding-list"),
    path("findings/close-gone/", views.findings_close_gone_view, name="findings-close-gone"),
    path("findings/export.xlsx", views.finding_export, name="finding-export"),
    path("findings/<int:pk>/", views.finding_detail, name="finding-detail"),
    path("findings/<int:pk>/step/", views.finding_step, name="finding-step"),
    path("findings/<int:pk>/assign/", views.finding_assign_view, name="finding-assign"),
    path("rosters/", views.roster_list, name="roster-list"),
    path("checks/start/", views.check_start, name="check-start"),
    path("checks/<int:pk>/", views.check_job, name="check-job"),
]
