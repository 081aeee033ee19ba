from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.areas import areas_load_csv


class Command(BaseCommand):
    help = "Load or update areas (行政区划) from a CSV with columns code,name[,rural_population]."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            result = areas_load_csv(path)
        except (OSError, UnicodeDecodeError, KeyError) as error:
            raise CommandError(
                _("无法读取 %(path)s：%(error)s") % {"path": path, "error": error}
            ) from error
        if result.errors:
            raise CommandError("\n".join(result.errors))
        self.stdout.write(
            _("区划：新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d。")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
