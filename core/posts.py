"""Posts (岗位): giving a user a role in an area, and what that lets them do in the admin."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import scope
from .areas import normalize_area_code
from .choices import AreaLevel
from .models import Area, Post, Role


def admin_codenames(role: Role) -> set[tuple[str, str]]:
    """(app label, codename) of the admin permissions a role's actions bring. Each app says
    which of its models' permissions go with which action (AppConfig.admin_permissions)."""
    actions = set(role.actions.values_list("action", flat=True))
    wanted = set()
    for config in apps.get_app_configs():
        for action, codenames in getattr(config, "admin_permissions", {}).items():
            if action in actions:
                wanted |= {(config.label, codename) for codename in codenames}
    return wanted


def role_group(role: Role) -> Group:
    """The Django group that carries a role's admin permissions; the area comes from the post."""
    group, _created = Group.objects.get_or_create(name=f"role:{role.code}")
    wanted = admin_codenames(role)
    group.permissions.set(
        [
            permission
            for permission in Permission.objects.filter(
                codename__in={codename for _app, codename in wanted}
            ).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
    )
    return group


def post_user_prepare(post: Post) -> None:
    """A post's holder may use the admin, with the permissions of the post's role."""
    user = post.user
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(role_group(post.role))
    scope.forget(user)


def post_check_level(*, role: Role, area: Area) -> None:
    """A post sits at its role's level: a village cadre on a village, and so on."""
    if role.level and area.level != role.level:
        raise ValidationError(
            {
                "area": _("%(role)s的岗位应设在%(level)s一级，%(area)s是%(actual)s。")
                % {
                    "role": role.name,
                    "level": AreaLevel(role.level).label,
                    "area": area.name,
                    "actual": AreaLevel(area.level).label,
                }
            }
        )


@transaction.atomic
def post_grant(
    *, username: str, role: str, area_code: str, password: str | None = None, phone: str = ""
) -> Post:
    """Give a user a post (a role in an area), creating the user when needed."""
    role_row = Role.objects.filter(code=role).first()
    if role_row is None:
        raise ValidationError({"role": _("未知角色：%(role)s") % {"role": role}})
    code = normalize_area_code(area_code)
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise ValidationError(
            {"area": _("区划代码 %(code)s 不存在，请先导入区划。") % {"code": code}}
        )
    post_check_level(role=role_row, area=area)
    user, created = get_user_model().objects.get_or_create(username=username)
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    post, _created = Post.objects.get_or_create(user=user, role=role_row, area=area)
    post_user_prepare(post)
    if phone and post.phone != phone:
        post.phone = phone
        post.full_clean()
        post.save(update_fields=["phone"])
    return post


def revoke_tokens_on_credential_change(sender, instance, **kwargs) -> None:
    """A user's API tokens end when their password changes or they are deactivated."""
    from rest_framework.authtoken.models import Token

    if instance.pk is None:
        return
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored and (stored["password"] != instance.password or not instance.is_active):
        Token.objects.filter(user_id=instance.pk).delete()


@transaction.atomic
def post_revoke(post: Post) -> None:
    """Take a post away. Admin rights follow the posts: a user left without any is no longer
    staff, and keeps no role's admin permissions the remaining posts do not give."""
    user = post.user
    post.delete()
    remaining = set(Post.objects.filter(user=user).values_list("role_id", flat=True))
    for group in user.groups.filter(name__startswith="role:"):
        if group.name.removeprefix("role:") not in remaining:
            user.groups.remove(group)
    if not remaining and user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    scope.forget(user)
