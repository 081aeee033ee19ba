from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.posts import post_grant


class Command(BaseCommand):
    help = "Give USERNAME the post ROLE in AREA_CODE, creating the user if needed."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "role", help="a role code: village_cadre, township_office, county_office, admin …"
        )
        parser.add_argument("area_code")
        parser.add_argument("--password", help="set (or reset) the user's password")
        parser.add_argument("--phone", default="", help="the post's contact phone (household card)")

    def handle(self, *args, username, role, area_code, password, phone, **options):
        try:
            post = post_grant(
                username=username, role=role, area_code=area_code, password=password, phone=phone
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            _("%(user)s 现任 %(area)s（%(code)s）%(role)s。")
            % {
                "user": username,
                "area": post.area.name,
                "code": post.area_id,
                "role": post.role.name,
            }
        )
