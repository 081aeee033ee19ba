"""The "12345" procedure (DOMAIN.md §3): an application (识别申请) takes one household through
一核 二看 三比 四评议 五公示 for one kind and year; every step done is a record with who, as
which post, when, what it decided, its figures and its signed forms."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Area, Versioned
from core.scope import ScopedQuerySet
from registry.choices import MonitoringCategory

from ..choices import ApplicationKind, Outcome, Step

# The steps at which an application is finished; any other step waits to be done.
ENDS = (Step.DONE, Step.REJECTED, Step.WITHDRAWN)


class ApplicationQuerySet(ScopedQuerySet):
    area_field = "village__code"

    def open(self):
        return self.exclude(step__in=ENDS)


class Application(Versioned):
    """识别申请: entry, re-entry after a return to poverty, removal, or entry as a monitored
    household, decided by the 12345 procedure. `step` is the step that waits to be done."""

    kind = models.CharField(_("申请类型"), max_length=12, choices=ApplicationKind.choices)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("户"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # The household's village when it applied: the application's area for scope.
    village = models.ForeignKey(
        Area,
        verbose_name=_("行政村"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    step = models.CharField(
        _("当前环节"), max_length=20, choices=Step.choices, default=Step.INCOME_CHECK
    )
    reason = models.TextField(_("申请理由"), max_length=500)
    applied_on = models.DateField(_("申请日期"), default=timezone.localdate)
    monitoring_category = models.CharField(
        _("监测类型"),
        max_length=10,
        choices=MonitoringCategory.choices,
        blank=True,
        help_text=_("仅“纳入监测”的申请填写。"),
    )
    # 一核: the per-capita net income the check found, against the year's line.
    per_capita_income = models.DecimalField(
        _("人均纯收入"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # 三比: the place in the village's reverse ranking of the year, and whether beyond the quota.
    rank = models.PositiveIntegerField(_("倒序排名"), null=True, blank=True)
    beyond_quota = models.BooleanField(_("超出规模指标"), default=False)
    # Told to the household when the application ends without passing.
    rejection_reason = models.TextField(_("不予通过的理由"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    complaint = models.ForeignKey(
        "identification.Complaint",
        verbose_name=_("依据的信访举报"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("识别申请")
        verbose_name_plural = _("识别申请")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["village", "year", "step"])]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(step__in=ENDS),
                name="one_open_application_per_household",
                violation_error_message=_("该户已有正在办理的识别申请。"),
            ),
        ]

    def __str__(self):
        return _("%(kind)s申请：户 %(number)s（%(year)s 年）") % {
            "kind": self.get_kind_display(),
            "number": self.household.number,
            "year": self.year,
        }

    @property
    def finished(self) -> bool:
        return self.step in ENDS


class StepRecord(models.Model):
    """One step done: what it decided, by whom (user and post), when, with its figures
    (`data`: the income check, the checklist, the votes, the cross-match hits) and forms."""

    application = models.ForeignKey(
        Application, verbose_name=_("识别申请"), on_delete=models.CASCADE, related_name="records"
    )
    step = models.CharField(_("环节"), max_length=20, choices=Step.choices)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    to_step = models.CharField(_("转入环节"), max_length=20, choices=Step.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    actor_name = models.CharField(_("经办人"), max_length=150, blank=True)
    post = models.CharField(_("岗位"), max_length=120, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("记录"), default=dict, blank=True)
    notice = models.ForeignKey(
        "identification.Notice",
        verbose_name=_("公示"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_step_display()} · {self.get_outcome_display()}"


class Attachment(models.Model):
    """A photo or scan of a signed form, kept with the step it documents."""

    record = models.ForeignKey(
        StepRecord, verbose_name=_("办理记录"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to="applications/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class VillageQuota(models.Model):
    """规模控制: how many households a village may admit in a year (三比 marks those beyond)."""

    village = models.ForeignKey(
        Area, verbose_name=_("行政村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    households = models.PositiveIntegerField(_("指标户数"))

    class Meta:
        verbose_name = _("识别规模指标")
        verbose_name_plural = _("识别规模指标")
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="one_quota_per_village_year")
        ]

    def __str__(self):
        return f"{self.village_id} {self.year}: {self.households}"
