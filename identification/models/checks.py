"""Rosters from other departments and their versions; findings, one lifecycle for every problem
found in the registry, whatever found it."""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Area, Versioned
from core.scope import ScopedQuerySet

from ..choices import FINDING_ACTIVE, FindingKind, FindingSource, FindingState, RosterMatching

MONEY = {"max_digits": 12, "decimal_places": 2}


class RosterType(models.Model):
    """名单类型: 低保, 特困供养, 财政供养人员, 车辆登记 … (data: an admin adds more)."""

    code = models.SlugField(_("代码"), max_length=30, primary_key=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    department = models.CharField(_("提供部门"), max_length=40, blank=True)
    matching = models.CharField(_("比对方式"), max_length=10, choices=RosterMatching.choices)
    attribute = models.ForeignKey(
        "registry.HouseholdAttribute",
        verbose_name=_("对应的贫困户属性"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("救助名单：名单上的户应有的属性（低保贫困户、特困供养贫困户）。"),
    )
    heads_only = models.BooleanField(
        _("只列户主"), default=False, help_text=_("名单每户只列户主，保障人口为人数。")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("名单类型")
        verbose_name_plural = _("名单类型")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class RosterQuerySet(ScopedQuerySet):
    area_field = "area__code"

    def newest_versions(self):
        """The versions matched: per type and area, the newest list (then the last imported)."""
        newest = (
            Roster.objects.filter(type=OuterRef("type"), area=OuterRef("area"))
            .order_by("-as_of", "-id")
            .values("pk")[:1]
        )
        return self.filter(pk=Subquery(newest))


class Roster(models.Model):
    """名单版本: one department's list as of a date, for an area (usually a county). Each
    import is kept; the newest version of a type and area is the one matched."""

    type = models.ForeignKey(
        RosterType, verbose_name=_("名单类型"), on_delete=models.PROTECT, related_name="rosters"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("覆盖地区"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("名单日期"))
    heads_only = models.BooleanField(_("只列户主"), default=False)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    entry_count = models.PositiveIntegerField(_("条目数"), default=0)

    objects = RosterQuerySet.as_manager()

    class Meta:
        verbose_name = _("名单版本")
        verbose_name_plural = _("名单版本")
        ordering = ["-as_of", "-id"]
        indexes = [models.Index(fields=["type", "area", "-as_of"], name="roster_latest_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.area.name} {self.as_of:%Y-%m-%d}"


class RosterEntry(models.Model):
    """One person (or, on a heads-only list, one family by its head) on a roster."""

    roster = models.ForeignKey(
        Roster, verbose_name=_("名单版本"), on_delete=models.CASCADE, related_name="entries"
    )
    row = models.PositiveIntegerField(_("行号"))
    id_number = models.CharField(_("证件号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=50)
    area_code = models.CharField(_("所在地区代码"), max_length=12, blank=True)
    people = models.PositiveSmallIntegerField(_("保障人口"), null=True, blank=True)
    category = models.CharField(_("类别"), max_length=30, blank=True)
    monthly_amount = models.DecimalField(_("月保障金额"), null=True, blank=True, **MONEY)
    details = models.JSONField(_("其他列"), default=dict, blank=True)

    class Meta:
        verbose_name = _("名单条目")
        verbose_name_plural = _("名单条目")
        ordering = ["roster_id", "row"]
        indexes = [models.Index(fields=["roster", "id_number"], name="roster_entry_id_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.id_number}"


class CheckRule(models.Model):
    """核查规则: one check the nightly re-check runs over the registry. Its logic is code
    (identification.services.rechecks); whether it runs, its thresholds and the document it
    rests on are data an administrator edits."""

    code = models.SlugField(_("代码"), max_length=40, primary_key=True)
    name = models.CharField(_("名称"), max_length=60)
    source = models.CharField(_("依据"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("核查规则")
        verbose_name_plural = _("核查规则")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class FindingQuerySet(ScopedQuerySet):
    area_field = "area_code"

    def active(self):
        return self.filter(state__in=FINDING_ACTIVE)


class Finding(Versioned):
    """问题: something found wrong in the registry, by a rule, a roster match, a complaint, an
    inspection or an audit, worked down to 销号. `key` names what it is about: a job never
    opens a second finding with the key of one not yet closed."""

    kind = models.CharField(_("问题类型"), max_length=30, choices=FindingKind.choices)
    source = models.CharField(_("来源"), max_length=12, choices=FindingSource.choices)
    key = models.CharField(_("问题标识"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=10, choices=FindingState.choices, default=FindingState.OPEN
    )
    area_code = models.CharField(_("责任地区"), max_length=12, db_index=True)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("成员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    id_number = models.CharField(_("证件号码"), max_length=18, blank=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    message = models.TextField(_("说明"))
    evidence = models.JSONField(_("依据"), default=dict, blank=True)
    roster = models.ForeignKey(
        Roster,
        verbose_name=_("名单版本"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    rule = models.ForeignKey(
        CheckRule,
        verbose_name=_("核查规则"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("核查结论"), blank=True)
    # Corrected or dismissed: what the check concluded, kept after 销号 (a key judged untrue is
    # not opened again).
    resolution_kind = models.CharField(
        _("核查结果"), max_length=10, choices=FindingState.choices, blank=True
    )
    cause_gone_at = models.DateTimeField(_("问题已消失于"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(state__in=FINDING_ACTIVE),
                name="finding_one_active_per_key",
            )
        ]
        indexes = [models.Index(fields=["state", "area_code"], name="finding_state_area_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    @property
    def overdue(self) -> bool:
        return bool(
            self.deadline and self.state in FINDING_ACTIVE and self.deadline < timezone.localdate()
        )


class CheckJob(models.Model):
    """核查任务: one run of a cross-match or a re-check, in the background, with its progress
    and result for the page that started it."""

    class Kind(models.TextChoices):
        CROSS_MATCH = "cross_match", _("名单比对")
        RECHECK = "recheck", _("定期核查")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        BUSY = "busy", _("未运行：同类任务正在运行")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("任务类型"), max_length=12, choices=Kind.choices)
    options = models.JSONField(_("选项"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("核查任务")
        verbose_name_plural = _("核查任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
