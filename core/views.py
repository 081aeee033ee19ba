"""Pages every app shares: uploading a file of any import kind, following its validation,
confirming it, and downloading it with its errors marked. Thin: the jobs' services do the
work (core.imports.jobs), and a job is seen only by its uploader (and superusers)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import scope
from .imports import kinds
from .imports.annotate import annotate
from .imports.forms import UploadForm
from .imports.issues import Issue, grouped
from .imports.jobs import (
    import_job_confirm,
    import_job_recheck,
    import_job_start,
    import_jobs_for,
    job_progress,
)
from .models import ExportJob, ImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_htmx(request) -> bool:
    """An htmx request for a fragment; a history restore wants the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _kind(code: str | None):
    try:
        return kinds.get(code or settings.IMPORT_DEFAULT_KIND)
    except LookupError:
        raise Http404(_("没有这种导入。")) from None


def _job(request, pk: int) -> ImportJob:
    return get_object_or_404(import_jobs_for(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request, kind: str | None = None):
    pipeline = _kind(kind)
    scope.ensure_somewhere(
        request.user, pipeline.action, _("您的岗位不能导入%(label)s。") % {"label": pipeline.label}
    )
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    upload = UploadForm(data, files)
    upload.fields["file"].help_text = f"{upload.fields['file'].help_text}{pipeline.file_help}"
    options = pipeline.options_form(data, user=request.user) if pipeline.options_form else None
    if request.method == "POST" and upload.is_valid() and (options is None or options.is_valid()):
        try:
            job = import_job_start(
                actor=request.user,
                kind=pipeline.kind,
                upload=upload.cleaned_data["file"],
                options=options.cleaned_data if options else {},
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    upload.add_error(field if field in upload.fields else None, message)
        else:
            return redirect("import-job", pk=job.pk)
    return render(
        request,
        "core/import_new.html",
        {
            "pipeline": pipeline,
            "form": upload,
            "options": options,
            "jobs": ImportJob.objects.filter(user=request.user, kind=pipeline.kind)[:10],
        },
    )


@login_required
@require_GET
def import_job(request, pk: int):
    return _job_page(request, _job(request, pk))


def _job_page(request, job: ImportJob, options=None):
    """A job's progress, counts or errors; with the upload options its check asked for, if
    any (`options`: the form as the user filled it in, to show its errors at the field)."""
    pipeline = _kind(job.kind)
    job.progress = job_progress(job)
    report = job.report or {}
    warnings = report.get("warnings") or []
    counts = [
        {"label": label, **(report.get(name) or {})} for name, label in pipeline.counted.items()
    ]
    if options is None and report.get("options_asked") and job.file and pipeline.options_form:
        options = pipeline.options_form(initial=job.options, user=request.user)
    template = "core/_import_status.html" if is_htmx(request) else "core/import_job.html"
    return render(
        request,
        template,
        {
            "job": job,
            "pipeline": pipeline,
            "report": report,
            "counts": counts,
            "errors": grouped(report.get("errors") or [])[:200],
            # About the whole file (the same file imported before), shown up front; the rows'
            # warnings are folded away.
            "file_warnings": [w for w in warnings if not w.get("row")],
            "row_warnings": [w for w in warnings if w.get("row")],
            "changes_nothing": job.changes_nothing,
            "keep_days": settings.IMPORT_KEEP_DAYS,
            "options": options,
            "option_lines": pipeline.options_said(job.options),
        },
    )


@login_required
@require_POST
def import_job_confirm_view(request, pk: int):
    job = _job(request, pk)
    try:
        import_job_confirm(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("import-job", pk=job.pk)


@login_required
@require_POST
def import_job_recheck_view(request, pk: int):
    """The options the check asked for (the year of the incomes): the same file, checked again."""
    job = _job(request, pk)
    pipeline = _kind(job.kind)
    if pipeline.options_form is None:
        return redirect("import-job", pk=job.pk)
    options = pipeline.options_form(request.POST, user=request.user)
    if not options.is_valid():
        return _job_page(request, job, options)
    try:
        import_job_recheck(actor=request.user, job=job, options=options.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("import-job", pk=job.pk)


@login_required
@require_GET
def import_job_errors(request, pk: int):
    """The user's own workbook with every error marked, and an errors sheet."""
    job = _job(request, pk)
    if not job.file:
        messages.error(request, _("上传的文件已超过保留期限并被删除，请重新上传。"))
        return redirect("import-job", pk=job.pk)
    issues = [Issue(**issue) for issue in job.report.get("errors", [])]
    warnings = [Issue(**issue) for issue in job.report.get("warnings", [])]
    response = HttpResponse(annotate(job.file.path, issues, warnings), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="errors-{job.pk}.xlsx"'
    return response


# --- background exports ---------------------------------------------------------------------------


def _export_job(request, pk: int) -> ExportJob:
    """Only the user who asked for an export sees it (it holds what their scope let them see)."""
    return get_object_or_404(ExportJob.objects.filter(user=request.user), pk=pk)


@login_required
@require_GET
def export_job(request, pk: int):
    job = _export_job(request, pk)
    template = "core/_export_status.html" if is_htmx(request) else "core/export_job.html"
    return render(request, template, {"job": job})


@login_required
@require_GET
def export_download(request, pk: int):
    job = _export_job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404(_("导出文件尚未生成，或已超过保留期限被删除。"))
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file.name.rsplit("/", 1)[-1],
        content_type=XLSX,
    )


@require_GET
def health(request):
    """For a load balancer's probe and the load benchmark's baseline: the process answers and
    reaches the database (one SELECT 1), with no login and nothing else read."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
