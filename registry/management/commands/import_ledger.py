from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core.commands import command_actor, dumps
from core.imports.annotate import annotate
from core.imports.issues import UnreadableFile
from registry.imports.households import import_ledger


class Command(BaseCommand):
    help = (
        "Import a household ledger (.xlsx .xlsm .xls .ods). Exit 0 when applied (or, with "
        "--dry-run, when it would apply), 1 when errors block it (nothing is written), 2 when "
        "the file cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count; write nothing"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--year", type=int, help="the year of the incomes, when no column says")
        parser.add_argument(
            "--errors-to",
            metavar="PATH",
            help="when there are errors, write a copy of the workbook with them marked here",
        )
        parser.add_argument(
            "--user",
            help="import as this user, within the areas of their posts (default: a superuser)",
        )

    def handle(self, *args, path, dry_run, json: bool, year, user, errors_to, **options):
        actor = command_actor(user)
        try:
            report = import_ledger(path, actor=actor, year=year, dry_run=dry_run)
        except UnreadableFile as error:
            if json:
                self.stdout.write(dumps({"error": str(error)}))
            else:
                self.stderr.write(str(error))
            raise SystemExit(2) from error
        if json:
            self.stdout.write(dumps(report.as_dict()))
        else:
            self._print(report, dry_run)
        if report.errors:
            if errors_to:
                Path(errors_to).write_bytes(annotate(path, report.errors, report.warnings))
            raise SystemExit(1)

    def _print(self, report, dry_run) -> None:
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
            if "year" in report.options_asked:
                self.stdout.write(_("用 --year 指定收入年度后重新运行。"))
            return
        verb = _("将") if dry_run else _("已")
        for label, counts in (
            (_("户"), report.households),
            (_("成员"), report.members),
            (_("收入"), report.incomes),
        ):
            self.stdout.write(
                _(
                    "%(label)s：%(verb)s新增 %(created)d，%(verb)s更新 %(updated)d，未变 %(unchanged)d"
                )
                % {"label": label, "verb": verb, **vars(counts)}
            )
