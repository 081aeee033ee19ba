"""What the management commands share."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


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
