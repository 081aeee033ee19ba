import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from registry import figures


class Command(BaseCommand):
    help = (
        "Count every village's kept figures again from the households themselves (after rows "
        "were written beneath the services, or to check them)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        villages = figures.rebuild()
        self.stdout.write(
            _("已重新统计 %(villages)d 个村，用时 %(seconds).1f 秒。")
            % {"villages": villages, "seconds": time.perf_counter() - started}
        )
