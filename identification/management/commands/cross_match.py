from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core.commands import command_actor, dumps
from identification.models import CheckJob
from identification.services.jobs import check_job_run, findings_said


class Command(BaseCommand):
    help = (
        "Match the latest roster of each type and area against the registry and bring the "
        "findings up to date (as the background job does). Exit 0 when it ran, 1 when another "
        "run holds the lock or it failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--type", action="append", dest="types", help="a roster type's code (repeatable)"
        )
        parser.add_argument("--user", help="the job's user (default: a superuser)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, types, user, json: bool, **options):
        job = CheckJob.objects.create(
            kind=CheckJob.Kind.CROSS_MATCH,
            options={"types": types} if types else {},
            user=command_actor(user),
        )
        result = check_job_run(job)
        if result is None:
            message = job.result.get("error", "")
            self.stdout.write(dumps({"error": message}) if json else message)
            raise SystemExit(1)
        if json:
            data = {
                "opened": len(result.opened),
                "still_open": result.still_open,
                "resolved": result.resolved,
                "findings": findings_said(result.opened),
            }
            self.stdout.write(dumps(data))
            return
        self.stdout.write(
            _(
                "比对名单 %(rosters)d 份：新发现问题 %(opened)d 个，仍未解决 %(still)d 个，已消失 %(gone)d 个。"
            )
            % {
                "rosters": result.rosters,
                "opened": len(result.opened),
                "still": result.still_open,
                "gone": result.resolved,
            }
        )
