from django.utils.translation import gettext as _

from core.commands import ImportCommand
from registry.imports.households import LedgerImport, import_ledger


class Command(ImportCommand):
    help = (
        "Import a household ledger (.xlsx .xlsm .xls .ods). Exit 0 when applied (or, with "
        "--dry-run, when it would apply), 1 when errors block it (nothing is written), 2 when "
        "the file cannot be read."
    )
    counted = LedgerImport.counted

    def add_kind_arguments(self, parser):
        parser.add_argument("--year", type=int, help="the year of the incomes, when no column says")

    def run(self, path, *, actor, dry_run, year=None, **options):
        return import_ledger(path, actor=actor, year=year, dry_run=dry_run)

    def say(self, report, dry_run):
        super().say(report, dry_run)
        if "year" in report.options_asked:
            self.stdout.write(_("用 --year 指定收入年度后重新运行。"))
