"""Public notices (公示, and the county's 公告): a list of cases of one area at one level, posted
for a period in which anyone may object (异议) under their real name. Used by identification
here, and later by exits, projects and the anti-return fund: an item names its subject
generically and carries what the printed list shows."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Area, Versioned
from core.scope import ScopedQuerySet

from ..choices import (
    NoticeLevel,
    NoticePurpose,
    NoticeState,
    ObjectionChannel,
    ObjectionState,
    Step,
)


class NoticeQuerySet(ScopedQuerySet):
    area_field = "area__code"


class Notice(models.Model):
    """公示 or 公告: posted in `area` (a village, a township, the county) from `starts_on` to
    `ends_on`, both days included."""

    purpose = models.CharField(_("事项"), max_length=20, choices=NoticePurpose.choices)
    level = models.CharField(_("公示层级"), max_length=10, choices=NoticeLevel.choices)
    area = models.ForeignKey(Area, verbose_name=_("公示地区"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=120)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示截止"))
    days = models.PositiveSmallIntegerField(_("公示天数"))
    working_days = models.BooleanField(_("按工作日计"), default=False)
    where_to_object = models.CharField(_("异议受理"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=10, choices=NoticeState.choices, default=NoticeState.RUNNING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示公告")
        verbose_name_plural = _("公示公告")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["state", "ends_on"])]

    def __str__(self):
        return self.title


class NoticeItemQuerySet(models.QuerySet):
    def running(self):
        """Lines still on a notice that is running."""
        return self.filter(withdrawn=False, notice__state=NoticeState.RUNNING)

    def about(self, subject):
        return self.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        )


class NoticeItem(models.Model):
    """One line of a notice: what the board shows (序号, 村民小组, 户主姓名, 家庭人口数, the
    reason), never an ID or bank number, and the case it is about."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("公示"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField(_("序号"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    group = models.CharField(_("村民小组"), max_length=30, blank=True)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    size = models.PositiveSmallIntegerField(_("家庭人口数"), null=True, blank=True)
    reason = models.CharField(_("事由"), max_length=200)
    # An upheld objection takes the case off the notice, back to a step to be done again; so
    # does the case's withdrawal or rejection while the notice runs.
    withdrawn = models.BooleanField(_("已撤出"), default=False)

    objects = NoticeItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示条目")
        verbose_name_plural = _("公示条目")
        ordering = ["notice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "position"], name="one_item_per_position")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.position}. {self.head_name}"


class ObjectionQuerySet(ScopedQuerySet):
    area_field = "notice__area__code"


class Objection(Versioned):
    """异议: raised under a real name during a notice's period, about one of its items (or the
    whole notice), and handled to a decision. An upheld one sends its case back."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections"
    )
    item = models.ForeignKey(
        NoticeItem,
        verbose_name=_("涉及条目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
    )
    objector_name = models.CharField(_("异议人姓名"), max_length=50)
    objector_contact = models.CharField(_("联系方式"), max_length=60)
    channel = models.CharField(_("受理方式"), max_length=10, choices=ObjectionChannel.choices)
    received_on = models.DateField(_("受理日期"))
    content = models.TextField(_("异议内容"), max_length=2000)
    state = models.CharField(
        _("处理状态"), max_length=12, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    decision = models.TextField(_("核查结论"), blank=True)
    send_back_to = models.CharField(_("退回环节"), max_length=20, choices=Step.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["received_on", "pk"]

    def __str__(self):
        return _("%(name)s 对“%(notice)s”的异议") % {
            "name": self.objector_name,
            "notice": self.notice.title,
        }


class NoticePeriod(models.Model):
    """How long a notice of a level runs: 7 days unless a county sets otherwise (5 days, or 5
    working days in places). A row without an area is the default everywhere."""

    area = models.ForeignKey(
        Area,
        verbose_name=_("县（市、区）"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("留空为全部地区的默认值。"),
    )
    level = models.CharField(_("公示层级"), max_length=10, choices=NoticeLevel.choices)
    days = models.PositiveSmallIntegerField(
        _("公示天数"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    working_days = models.BooleanField(_("按工作日计"), default=False)

    class Meta:
        verbose_name = _("公示期限")
        verbose_name_plural = _("公示期限")
        constraints = [
            models.UniqueConstraint(fields=["area", "level"], name="one_period_per_area_level"),
            models.UniqueConstraint(
                fields=["level"], condition=Q(area__isnull=True), name="one_default_period"
            ),
        ]

    def __str__(self):
        unit = _("个工作日") if self.working_days else _("天")
        return f"{self.get_level_display()}：{self.days} {unit}"


class Holiday(models.Model):
    """A day off that is not a weekend (法定节假日), or a weekend day worked (调休上班): what
    a period counted in working days skips or counts."""

    date = models.DateField(_("日期"), primary_key=True)
    name = models.CharField(_("名称"), max_length=30)
    workday = models.BooleanField(
        _("调休上班"), default=False, help_text=_("勾选：这一天虽是周末，但要上班。")
    )

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"
