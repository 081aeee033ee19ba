import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core.choices import RoleCode as Role
from core.posts import post_grant
from registry import demo
from registry.models import Household

DEMO_PASSWORD = "demo-2026"


class Command(BaseCommand):
    help = "Build a synthetic county (areas, households, members, incomes) and one user per role."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=120)
        parser.add_argument("--counties", type=int, default=1)
        parser.add_argument("--townships", type=int, default=4, help="per county")
        parser.add_argument("--villages", type=int, default=5, help="per township")
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument("--no-history", action="store_true", help="skip the create records")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when households already exist"
        )
        parser.add_argument("--port", type=int, default=8000, help="the port the logins name")

    def handle(self, *args, **opts):
        self.port = opts["port"]
        if opts["if_empty"] and Household.objects.exists():
            self.stdout.write(_("已有数据，跳过生成演示数据。"))
        else:
            started = time.perf_counter()
            demo.seed(
                households=opts["households"],
                counties=opts["counties"],
                townships=opts["townships"],
                villages=opts["villages"],
                seed=opts["seed"],
                with_history=not opts["no_history"],
                progress=lambda n: self.stdout.write(f"  {n} / {opts['households']}", ending="\r"),
            )
            self.stdout.write(
                "\n"
                + _("已生成 %(n)d 户演示数据，用时 %(s).1f 秒。")
                % {"n": opts["households"], "s": time.perf_counter() - started}
            )
        self._users()
        for seeder in demo.DEMO_EXTRAS:
            seeder(self.stdout.write)

    def _users(self):
        areas = demo.first_areas()
        logins = [
            ("demo_cadre", Role.VILLAGE_CADRE, areas["village"]),
            ("demo_cadre_b", Role.VILLAGE_CADRE, areas["second_village"]),
            ("demo_township", Role.TOWNSHIP_OFFICE, areas["township"]),
            ("demo_county", Role.COUNTY_OFFICE, areas["county"]),
            ("demo_admin", Role.ADMIN, areas["county"]),
        ]
        for number, (username, role, area) in enumerate(logins, start=1):
            post_grant(
                username=username,
                role=role,
                area_code=area.code,
                password=DEMO_PASSWORD,
                phone=f"1380935{number:04d}",
            )
        get_user_model().objects.filter(username="demo_admin").update(is_superuser=True)
        get_user_model().objects.filter(username="demo_cadre").update(first_name="王建军")
        get_user_model().objects.filter(username="demo_cadre_b").update(first_name="马秀兰")
        self.stdout.write(_("演示账号（密码均为 %(password)s）：") % {"password": DEMO_PASSWORD})
        for username, role, area in logins:
            self.stdout.write(f"  {username:<14} {role.label}  {area.name} ({area.code})")
        site = f"http://127.0.0.1:{self.port}"
        self.stdout.write(f"  {site}/   {site}/admin/   {site}/api/docs/")
