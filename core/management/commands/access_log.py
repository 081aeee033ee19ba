import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AccessLog


class Command(BaseCommand):
    help = "Print the access log (who viewed, searched by ID number or exported personal data)."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="only this user name")
        parser.add_argument("--since", help="only from this date on (YYYY-MM-DD)")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args, user, since, json: bool, **options):
        entries = AccessLog.objects.order_by("at", "id")
        if user:
            entries = entries.filter(username=user)
        if since:
            try:
                day = dt.date.fromisoformat(since)
            except ValueError as error:
                raise CommandError(_("日期应写成 2026-01-31 的格式。")) from error
            start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            entries = entries.filter(at__gte=start)
        for entry in entries.iterator():
            if json:
                self.stdout.write(_dumps(entry))
            else:
                self.stdout.write(
                    f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M:%S}\t{entry.username}\t"
                    f"{entry.get_kind_display()}\t{entry.what}\t{entry.count}\t"
                    f"{entry.address or '-'}"
                )


def _dumps(entry: AccessLog) -> str:
    return json.dumps(
        {
            "at": timezone.localtime(entry.at).isoformat(),
            "user": entry.username,
            "kind": entry.kind,
            "what": entry.what,
            "count": entry.count,
            "address": entry.address,
        },
        ensure_ascii=False,
    )
