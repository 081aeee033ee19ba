"""Enumerations of exit verification, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExitLevel(models.TextChoices):
    """What exits: a household (脱贫), or an area (摘帽: a village, a township, a county)."""

    HOUSEHOLD = "household", _("贫困户")
    VILLAGE = "village", _("贫困村")
    TOWNSHIP = "township", _("贫困乡镇")
    COUNTY = "county", _("贫困县")


class ItemSource(models.TextChoices):
    """Where an item's value comes from: computed from the registry, or entered with evidence."""

    INCOME = "income", _("人均纯收入（按年度收入计算）")
    EDUCATION = "education", _("义务教育（按成员在校情况）")
    MEDICAL = "medical", _("基本医疗（按成员参保情况）")
    HOUSING = "housing", _("住房安全（按户信息）")
    WATER = "water", _("饮水安全（按户信息）")
    POWER = "power", _("生活用电（按户信息）")
    TV = "tv", _("广播电视（按户信息）")
    INCIDENCE = "incidence", _("贫困发生率（按登记人口计算）")
    ENTERED = "entered", _("核查录入（附佐证）")


class Comparison(models.TextChoices):
    """How an item with a threshold passes."""

    BELOW = "below", _("低于")
    AT_LEAST = "at_least", _("不低于")


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("核查中")  # items computed and entered; not yet frozen
    SIGNING = "signing", _("签字确认中")  # frozen in a snapshot, signed in order
    RETURNED = "returned", _("已退回")  # a refusal or an upheld objection: to be checked again
    APPROVED = "approved", _("已退出")  # the last signature made it so
    REVOKED = "revoked", _("已撤销")  # found false afterwards


class Decision(models.TextChoices):
    SIGNED = "signed", _("签字确认")
    REFUSED = "refused", _("拒签退回")
