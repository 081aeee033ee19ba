from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.areas import normalize_area_code
from core.commands import ImportCommand
from core.models import Area
from identification.imports.rosters import RosterImport
from identification.models import RosterType


class Command(ImportCommand):
    help = (
        "Import a department's roster (低保, 特困, payroll …) as a new version. Exit 0 when "
        "applied (or, with --dry-run, when it would apply), 1 when errors block it (nothing is "
        "written), 2 when the file cannot be read."
    )
    counted = RosterImport.counted

    def add_kind_arguments(self, parser):
        parser.add_argument("--type", required=True, dest="roster_type", help="the type's code")
        parser.add_argument(
            "--area", help="the county or township code it covers (default: the only county)"
        )
        parser.add_argument("--as-of", help="the roster's date, YYYY-MM-DD (default: today)")
        parser.add_argument("--heads-only", action="store_true", help="one row per household")

    def run(self, path, *, actor, dry_run, roster_type, area, as_of, heads_only, **options):
        if not RosterType.objects.filter(pk=roster_type).exists():
            codes = "、".join(RosterType.objects.values_list("code", flat=True))
            raise CommandError(
                _("没有名单类型 %(code)s；可用：%(codes)s") % {"code": roster_type, "codes": codes}
            )
        if area is None:
            counties = list(Area.objects.filter(level="county").values_list("code", flat=True))
            if len(counties) != 1:
                raise CommandError(_("请用 --area 指定名单覆盖的县或乡镇。"))
            area = counties[0]
        try:
            area = normalize_area_code(area)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if not Area.objects.filter(pk=area).exists():
            raise CommandError(_("地区 %(code)s 不存在。") % {"code": area})
        try:
            pipeline = RosterImport(
                actor=actor,
                roster_type=roster_type,
                area=area,
                as_of=as_of or timezone.localdate().isoformat(),
                heads_only=heads_only or None,
            )
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        return pipeline.run(path, dry_run=dry_run)
