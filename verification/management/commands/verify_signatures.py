"""Recompute every sign-off chain (verification.services.signatures.verify_chains): a snapshot
or a signature changed in the database, one removed, or an exit without its signatures."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from verification.services.signatures import verify_chains


class Command(BaseCommand):
    help = _("核验全部退出验收的签字链，发现被改动的快照或签字时以状态 1 退出。")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出核验结果。"))

    def handle(self, *args, **options):
        report = verify_chains()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(
                _("核验验收 %(a)s 个、签字 %(s)s 个。")
                % {"a": report.assessments, "s": report.signatures}
            )
            for broken in report.broken:
                self.stdout.write(
                    _("验收第 %(assessment)s 号，签字 %(signature)s：%(reason)s")
                    % {
                        "assessment": broken["assessment"],
                        "signature": broken["signature"] or "—",
                        "reason": broken["reason"],
                    }
                )
        if report.broken:
            # The JSON (or the list) is on stdout; the status tells a script something broke.
            raise CommandError(
                _("发现 %(n)s 处签字链异常。") % {"n": len(report.broken)}, returncode=1
            )
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS(_("签字链完整。")))
