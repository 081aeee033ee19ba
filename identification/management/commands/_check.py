"""What cross_match and recheck share: run a check job now, print what it found."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core.commands import command_actor, dumps
from identification.models import CheckJob
from identification.services.jobs import check_job_run, findings_said


class CheckCommand(BaseCommand):
    kind = ""
    option = ""  # the repeatable option choosing what to run: --type, --rule
    option_key = ""  # its key in the job's options

    def add_arguments(self, parser):
        parser.add_argument(
            f"--{self.option}", action="append", dest="chosen", help="repeatable; default: all"
        )
        parser.add_argument("--user", help="the job's user (default: a superuser)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, chosen, user, json: bool, **options):
        job = CheckJob.objects.create(
            kind=self.kind,
            options={self.option_key: chosen} if chosen else {},
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
            _("新发现问题 %(opened)d 个，仍未解决 %(still)d 个，已消失 %(gone)d 个。")
            % {"opened": len(result.opened), "still": result.still_open, "gone": result.resolved}
        )
