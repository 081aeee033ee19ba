from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础")
    default_auto_field = "django.db.models.BigAutoField"

    # The admin permissions each action brings to a role's holders (core.posts.role_group).
    admin_permissions = {
        "view": ["view_area", "view_changerecord", "view_post", "view_role", "view_roleaction"],
    }

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_save

        from . import lookups  # noqa: F401  (registers field__any)
        from .models import Post, RoleAction
        from .posts import revoke_tokens_on_credential_change
        from .scope import forget_post, forget_role_holders

        # Passwords change in Django's own views, the admin and commands, not in our services:
        # the one place that sees every change is the user row being saved.
        pre_save.connect(
            revoke_tokens_on_credential_change,
            sender=get_user_model(),
            dispatch_uid="core.revoke_tokens",
        )
        # A user's posts are kept in the shared cache (core.scope._grants): dropped when one
        # of them, or what its role may do, changes.
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(forget_post, sender=Post, dispatch_uid=f"core.post_{name}")
            signal.connect(forget_role_holders, sender=RoleAction, dispatch_uid=f"core.role_{name}")
