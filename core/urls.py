from django.urls import path

from . import views

urlpatterns = [
    path("healthz/", views.health, name="health"),
    path("imports/new/", views.import_new, name="import-new"),
    path("imports/new/<str:kind>/", views.import_new, name="import-new-kind"),
    path("imports/<int:pk>/", views.import_job, name="import-job"),
    path("imports/<int:pk>/confirm/", views.import_job_confirm_view, name="import-confirm"),
    path("imports/<int:pk>/recheck/", views.import_job_recheck_view, name="import-recheck"),
    path("imports/<int:pk>/errors.xlsx", views.import_job_errors, name="import-errors"),
    path("exports/<int:pk>/", views.export_job, name="export-job"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
]
