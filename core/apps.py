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
        from . import lookups  # noqa: F401  (registers field__any)
