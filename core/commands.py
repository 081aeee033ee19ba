"""What the management commands share."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from .imports.annotate import annotate
from .imports.issues import UnreadableFile


def command_actor(username: str | None):
    """Who a command acts as: the named user, within the areas of their posts, or else the
    first active superuser."""
    users = get_user_model().objects
    if username:
        actor = users.filter(username=username).first()
        if actor is None:
            raise CommandError(_("用户 %(name)s 不存在。") % {"name": username})
        return actor
    actor = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if actor is None:
        raise CommandError(_("没有可用的超级用户，请用 --user 指定导入人。"))
    return actor


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


class ImportCommand(BaseCommand):
    """An import kind from the command line: exit 0 when applied (or, with --dry-run, when it
    would apply), 1 when errors block it (nothing is written), 2 when the file cannot be read.
    A kind adds its own options (add_kind_arguments) and runs itself (run)."""

    counted: dict = {}  # the pipeline's: which counts to print, with their labels

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count; write nothing"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--errors-to",
            metavar="PATH",
            help="when there are errors, write a copy of the workbook with them marked here",
        )
        parser.add_argument(
            "--user",
            help="import as this user, within the areas of their posts (default: a superuser)",
        )
        self.add_kind_arguments(parser)

    def add_kind_arguments(self, parser) -> None:
        pass

    def run(self, path, *, actor, dry_run: bool, **options):
        """Import the file; returns the report."""
        raise NotImplementedError

    def handle(self, *args, path, dry_run, json: bool, user, errors_to, **options):
        actor = command_actor(user)
        try:
            report = self.run(path, actor=actor, dry_run=dry_run, **options)
        except UnreadableFile as error:
            if json:
                self.stdout.write(dumps({"error": str(error)}))
            else:
                self.stderr.write(str(error))
            raise SystemExit(2) from error
        if json:
            self.stdout.write(dumps(report.as_dict()))
        else:
            self.say(report, dry_run)
        if report.errors:
            if errors_to:
                Path(errors_to).write_bytes(annotate(path, report.errors, report.warnings))
            raise SystemExit(1)

    def say(self, report, dry_run: bool) -> None:
        for issue in report.errors:
            self.stdout.write(
                _("错误 %(sheet)s 第 %(row)s 行 %(column)s：%(message)s") % issue.as_dict()
            )
        for issue in report.warnings:
            self.stdout.write(
                _("提示 %(sheet)s 第 %(row)s 行 %(column)s：%(message)s") % issue.as_dict()
            )
        if report.errors:
            self.stdout.write(_("有 %(n)d 处错误，未写入任何数据。") % {"n": len(report.errors)})
            return
        verb = _("将") if dry_run else _("已")
        for name, label in self.counted.items():
            self.stdout.write(
                _(
                    "%(label)s：%(verb)s新增 %(created)d，%(verb)s更新 %(updated)d，未变 %(unchanged)d"
                )
                % {"label": label, "verb": verb, **vars(report.counts[name])}
            )
