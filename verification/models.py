"""Exit verification (DOMAIN.md §6): the exit standards as data, per province (or county) and
year; assessments of a household, a village, a township or a county against them, each item's
value computed from the registry or entered with evidence, the data frozen in a snapshot; and
the "4342" sign-off chain, whose signatures each hash the snapshot and the signature before."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Area, Role, Versioned
from core.scope import ScopedQuerySet

from .choices import AssessmentState, Comparison, Decision, ExitLevel, ItemSource

OPEN_STATES = (AssessmentState.DRAFT, AssessmentState.SIGNING, AssessmentState.RETURNED)


class ExitStandard(models.Model):
    """A set of exit items for a level: 两不愁三保障 nationally, Gansu's six veto indicators,
    Sichuan's 一超六有, 南江's 一低五有 … The most specific area prefix wins, then the latest
    year it applies from."""

    level = models.CharField(_("退出对象"), max_length=10, choices=ExitLevel.choices)
    area_prefix = models.CharField(
        _("适用地区代码"),
        max_length=12,
        blank=True,
        help_text=_("留空为全国；2 位为省，4 位为市，6 位为县。"),
    )
    year_from = models.PositiveSmallIntegerField(_("起始年度"), default=2014)
    code = models.SlugField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=100)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("退出标准")
        verbose_name_plural = _("退出标准")
        ordering = ["level", "area_prefix", "-year_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "area_prefix", "year_from"],
                condition=Q(active=True),
                name="one_active_standard_per_level_area_year",
            ),
            models.UniqueConstraint(fields=["code"], name="exit_standard_code_unique"),
        ]

    def __str__(self):
        return self.name


class StandardItem(models.Model):
    """One item of a standard: what it checks, where its value comes from and, for a rate, the
    threshold it must stay below (or reach)."""

    standard = models.ForeignKey(
        ExitStandard, verbose_name=_("退出标准"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    code = models.SlugField(_("代码"), max_length=30)
    label = models.CharField(_("指标"), max_length=100)
    source = models.CharField(_("取值方式"), max_length=12, choices=ItemSource.choices)
    threshold = models.DecimalField(
        _("标准值（%）"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    comparison = models.CharField(
        _("比较方式"), max_length=10, choices=Comparison.choices, blank=True
    )

    class Meta:
        verbose_name = _("退出指标")
        verbose_name_plural = _("退出指标")
        ordering = ["standard", "position"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="one_item_code_per_standard")
        ]

    def __str__(self):
        return self.label

    def clean(self):
        from django.core.exceptions import ValidationError

        household_sources = set(ItemSource.values) - {ItemSource.INCIDENCE, ItemSource.ENTERED}
        if self.standard.level == ExitLevel.HOUSEHOLD and self.source == ItemSource.INCIDENCE:
            raise ValidationError({"source": _("户的退出标准不能按贫困发生率取值。")})
        if self.standard.level != ExitLevel.HOUSEHOLD and self.source in household_sources:
            raise ValidationError({"source": _("地区的退出标准只能按贫困发生率取值或核查录入。")})
        if self.threshold is not None and not self.comparison:
            raise ValidationError({"comparison": _("有标准值的指标须选择比较方式。")})


class SignOffRole(models.Model):
    """The "4342" chain: who signs an exit of a level, in order (4 for a household, 3 for a
    village, 4 for a township, 2 for a county by default; data, editable)."""

    level = models.CharField(_("退出对象"), max_length=10, choices=ExitLevel.choices)
    position = models.PositiveSmallIntegerField(_("签字顺序"))
    role = models.ForeignKey(Role, verbose_name=_("签字人角色"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("签字确认岗位")
        verbose_name_plural = _("签字确认岗位")
        ordering = ["level", "position"]
        constraints = [
            models.UniqueConstraint(fields=["level", "position"], name="one_signer_per_position"),
            models.UniqueConstraint(fields=["level", "role"], name="one_position_per_role"),
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.position}. {self.role}"


class AssessmentQuerySet(ScopedQuerySet):
    area_field = "area__code"

    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Assessment(Versioned):
    """脱贫验收 of a household (in its village) or of an area, for a year, against a standard."""

    level = models.CharField(_("退出对象"), max_length=10, choices=ExitLevel.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("地区"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("户所在的村，或退出的村、乡镇、县。"),
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exit_assessments",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    standard = models.ForeignKey(
        ExitStandard, verbose_name=_("退出标准"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    returned_reason = models.TextField(_("退回原因"), blank=True)
    # Kept by the signature service: whose signature it waits for (what a signer's home page
    # asks in one query), and the digest of the last signature (a removed last one shows).
    next_role = models.ForeignKey(
        Role,
        verbose_name=_("待签字角色"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    chain_head = models.CharField(_("签字链末端摘要"), max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("退出时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.TextField(_("撤销原因"), blank=True)
    revoke_finding = models.ForeignKey(
        "identification.Finding",
        verbose_name=_("据以撤销的问题"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("发现虚假退出的核查问题或信访举报。"),
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("脱贫验收")
        verbose_name_plural = _("脱贫验收")
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(state__in=OPEN_STATES, household__isnull=False),
                name="one_open_assessment_per_household",
            ),
            models.UniqueConstraint(
                fields=["level", "area", "year"],
                condition=Q(state__in=OPEN_STATES, household__isnull=True),
                name="one_open_assessment_per_area_year",
            ),
        ]
        indexes = [models.Index(fields=["state", "level"])]

    def __str__(self):
        subject = self.household.head_name if self.household_id else self.area.name
        return _("%(subject)s %(year)s 年度%(level)s退出验收") % {
            "subject": subject,
            "year": self.year,
            "level": self.get_level_display(),
        }


class AssessmentItem(models.Model):
    """An item as assessed: its value, pass or fail, and (for an entered one) the note and
    evidence it rests on."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("验收"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    code = models.SlugField(_("代码"), max_length=30)
    label = models.CharField(_("指标"), max_length=100)
    source = models.CharField(_("取值方式"), max_length=12, choices=ItemSource.choices)
    threshold = models.DecimalField(
        _("标准值（%）"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    comparison = models.CharField(
        _("比较方式"), max_length=10, choices=Comparison.choices, blank=True
    )
    value = models.CharField(_("实际情况"), max_length=300, blank=True)
    number = models.DecimalField(
        _("数值（%）"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    passed = models.BooleanField(_("是否达标"), null=True)
    note = models.TextField(_("核查说明"), blank=True)

    class Meta:
        verbose_name = _("验收指标")
        verbose_name_plural = _("验收指标")
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "code"], name="one_item_code_per_assessment"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def computed(self) -> bool:
        return self.source != ItemSource.ENTERED


class Evidence(models.Model):
    """A photo or scan an entered item rests on."""

    item = models.ForeignKey(
        AssessmentItem, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to="exits/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    digest = models.CharField(_("文件摘要"), max_length=64)  # in the snapshot: a swap shows
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Snapshot(models.Model):
    """The data an assessment's signatures answer for, frozen when it is put to signature;
    each time it is put again (after a refusal or an upheld objection), a new round."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("验收"), on_delete=models.PROTECT, related_name="snapshots"
    )
    round = models.PositiveSmallIntegerField(_("轮次"))
    data = models.JSONField(_("数据快照"))
    digest = models.CharField(_("快照摘要"), max_length=64)
    taken_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("验收数据快照")
        verbose_name_plural = _("验收数据快照")
        ordering = ["assessment", "round"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "round"], name="one_snapshot_per_round")
        ]

    def __str__(self):
        return f"{self.assessment_id}#{self.round}"


class Signature(models.Model):
    """One signature (or refusal) in the chain: who, in which role and post, over which
    snapshot, with the statement they answer for; `digest` hashes all of it with the digest
    of the signature before (`previous`), so that any change shows."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("验收"), on_delete=models.PROTECT, related_name="signatures"
    )
    snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("数据快照"), on_delete=models.PROTECT, related_name="signatures"
    )
    position = models.PositiveSmallIntegerField(_("签字顺序"))
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签字人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("签字人姓名"), max_length=150)
    post = models.CharField(_("岗位"), max_length=200)
    decision = models.CharField(_("意见"), max_length=10, choices=Decision.choices)
    statement = models.TextField(_("承诺"))
    reason = models.TextField(_("拒签原因"), blank=True)
    signed_at = models.DateTimeField(_("签字时间"))
    previous = models.CharField(_("上一签字摘要"), max_length=64, blank=True)
    digest = models.CharField(_("签字摘要"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("签字确认")
        verbose_name_plural = _("签字确认")
        ordering = ["assessment", "pk"]

    def __str__(self):
        return f"{self.signer_name} {self.get_decision_display()}"


class AreaExit(models.Model):
    """摘帽: a village, township or county recorded as exited for a year by its assessment."""

    area = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    assessment = models.OneToOneField(
        Assessment, verbose_name=_("验收"), on_delete=models.PROTECT, related_name="area_exit"
    )
    revoked = models.BooleanField(_("已撤销"), default=False)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("摘帽记录")
        verbose_name_plural = _("摘帽记录")
        ordering = ["-year", "area"]

    def __str__(self):
        return f"{self.area} {self.year}"
