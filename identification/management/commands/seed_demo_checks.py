from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from identification.demo import seed_rosters
from identification.models import Roster
from identification.services import cross_match, recheck


class Command(BaseCommand):
    help = (
        "Give the demo county a 低保 roster and run the cross-match and the re-check once, so "
        "the findings list has something to work (after seed_demo)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when a roster already exists"
        )

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Roster.objects.exists():
            self.stdout.write(_("已有名单，跳过。"))
            return
        if seed_rosters() is None:
            self.stdout.write(_("没有县级地区，请先运行 seed_demo。"))
            return
        matched, checked = cross_match(), recheck()
        self.stdout.write(
            _("演示名单已比对：发现问题 %(matched)d 个；定期核查发现问题 %(checked)d 个。")
            % {"matched": len(matched.opened), "checked": len(checked.opened)}
        )
