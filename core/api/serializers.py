"""Request shapes every app's API shares."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

VERSION_HELP = _("记录的当前版本号；他人已办理的返回 409 及当前记录。")


class VersionSerializer(serializers.Serializer):
    """A step that takes nothing but the version it was decided on (core.locking)."""

    version = serializers.IntegerField(help_text=VERSION_HELP)
