from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """django-axes (the login lockout), named in Chinese in the admin."""

    verbose_name = _("登录锁定")
