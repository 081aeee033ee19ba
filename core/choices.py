"""Enumerations every app shares: area levels, the built-in roles, the actions a role may be
granted, and what a change record says was done."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村")


class RoleCode(models.TextChoices):
    """The roles every deployment starts with (fixtures/roles.json). Roles are data (core.Role):
    a county may add its own; these codes are the ones the code and the demo refer to."""

    VILLAGE_CADRE = "village_cadre", _("村干部")
    TOWNSHIP_OFFICE = "township_office", _("乡镇扶贫办")
    COUNTY_OFFICE = "county_office", _("县扶贫办")
    ADMIN = "admin", _("系统管理员")


class Action(models.TextChoices):
    """What a post lets its holder do inside its area; which role may do which is data
    (core.RoleAction), read by core.scope."""

    VIEW = "view", _("查看")
    EDIT = "edit", _("登记和修改")
    REVIEW = "review", _("审核")
    APPROVE = "approve", _("审批")
    SIGN = "sign", _("签字确认")
    IMPORT = "import", _("导入台账")
    EXPORT = "export", _("导出")
    MIGRATE = "migrate", _("迁移导入（含户状态）")
    MANAGE = "manage", _("管理岗位")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    LEAVE = "leave", _("减员")
    CHANGE_HEAD = "change_head", _("变更户主")
    STATUS = "status", _("状态变更")
