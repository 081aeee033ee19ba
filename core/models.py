"""What every app is built on: areas, roles and posts (scope), change records (history) and
import jobs (the import pipeline)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Action, AreaLevel, ChangeAction
from .scope import ScopedQuerySet, level_of

YEAR = [MinValueValidator(1980), MaxValueValidator(2100)]

code_validator = RegexValidator(r"^\d{12}$", _("区划代码应为 12 位数字。"))
phone_validator = RegexValidator(r"^[\d\-+ ]{7,20}$", _("请填写有效的电话号码。"))


class Versioned(models.Model):
    """Optimistic locking: an edit names the version it started from (core.locking)."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # A copy masked for a reader (core.presenter) holds stars where the data was.
        if getattr(self, "_masked", False):
            raise RuntimeError("A masked copy is for display only and is never saved.")
        super().save(*args, **kwargs)


# --- areas ----------------------------------------------------------------------------------


class AreaQuerySet(ScopedQuerySet):
    area_field = "code"


class Area(models.Model):
    """行政区划: an area with its 12-digit statistical code (统计用区划代码).

    The code is the primary key so that every foreign key to an area already holds the code,
    and "inside this area" is a prefix test on that column, with no join.
    """

    code = models.CharField(
        _("区划代码"), max_length=12, primary_key=True, validators=[code_validator]
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=10, choices=AreaLevel.choices, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    rural_population = models.PositiveIntegerField(
        _("户籍农业人口"), null=True, blank=True, help_text=_("用于计算贫困发生率。")
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.level = level_of(self.code)
        super().save(*args, **kwargs)


# --- roles and posts --------------------------------------------------------------------------


class Role(models.Model):
    """角色: what a post is (村干部, 乡镇扶贫办 …). Which actions a role grants is data
    (RoleAction), so that a county can add a role, or change what one may do, in the admin."""

    code = models.SlugField(_("代码"), max_length=30, primary_key=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    level = models.CharField(
        _("岗位所在级别"),
        max_length=10,
        choices=AreaLevel.choices,
        blank=True,
        help_text=_("留空表示任何级别均可设岗。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class RoleAction(models.Model):
    """角色权限: one action a role grants inside the area of each of its posts."""

    role = models.ForeignKey(
        Role, verbose_name=_("角色"), on_delete=models.CASCADE, related_name="actions"
    )
    action = models.CharField(_("操作"), max_length=12, choices=Action.choices)

    class Meta:
        verbose_name = _("角色权限")
        verbose_name_plural = _("角色权限")
        ordering = ["role", "action"]
        constraints = [models.UniqueConstraint(fields=["role", "action"], name="roleaction_unique")]

    def __str__(self) -> str:
        return f"{self.role} · {self.get_action_display()}"


class PostQuerySet(ScopedQuerySet):
    area_field = "area__code"


class Post(models.Model):
    """岗位: a user's role in an area. A user's posts decide everything the user may see and do."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="posts",
    )
    role = models.ForeignKey(
        Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="posts"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="posts"
    )
    phone = models.CharField(
        _("联系电话"),
        max_length=20,
        blank=True,
        validators=[phone_validator],
        help_text=_("印在明白卡上。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "area"], name="core_post_unique_user_role_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.area}"


# --- history --------------------------------------------------------------------------------


class ChangeRecordQuerySet(ScopedQuerySet):
    area_field = "area_code"


class ChangeRecord(models.Model):
    """变更记录: who changed what, when, on any tracked object of any app (core.history).

    Plain ids rather than foreign keys, so that the history outlives what it describes; the
    area code scopes it, the household id (where there is one) gathers a family's history.
    """

    model = models.CharField(_("对象类型"), max_length=60)  # the model's label, "registry.member"
    object_id = models.BigIntegerField(_("对象编号"))
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    area_code = models.CharField(_("区划代码"), max_length=12)
    household_id = models.BigIntegerField(_("户"), null=True, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=12, choices=ChangeAction.choices)
    changes = models.JSONField(_("变更内容"), default=dict)
    version = models.PositiveIntegerField(_("版本"), null=True, blank=True)
    # No database constraint or index: an import writes a record per row it touches, and the
    # check of every record's actor at commit cost a fifth of a second per county ledger.
    # Django still sets the actor to NULL when a user is deleted; the name stays.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    source = models.CharField(
        _("来源"), max_length=200, blank=True, help_text=_("哪个程序步骤、签字或导入文件。")
    )
    batch = models.CharField(_("批次"), max_length=36, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = ChangeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"], name="core_changerecord_object_idx")]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id} {self.action} v{self.version}"


# --- imports --------------------------------------------------------------------------------


class ImportRun(models.Model):
    """导入记录: one import of a file, kept so that the same file is recognised by its hash
    when it comes again, and so that who imported what stays known."""

    kind = models.CharField(_("导入类型"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    file_hash = models.CharField(_("文件摘要"), max_length=64, db_index=True)
    dry_run = models.BooleanField(_("仅校验"), default=False)
    applied = models.BooleanField(_("已写入"), default=False)
    result = models.JSONField(_("结果"), default=dict)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class ImportJob(models.Model):
    """导入任务: a file uploaded in the browser, validated in the background with progress,
    previewed, then applied when the user confirms. Its kind names what the file is (a
    household ledger, a roster …): core.imports.kinds."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        INVALID = "invalid", _("有错误")
        READY = "ready", _("待确认")
        APPLYING = "applying", _("写入中")
        APPLIED = "applied", _("已导入")
        FAILED = "failed", _("无法读取")
        EXPIRED = "expired", _("已过期")  # never confirmed, and its file is deleted

    RUNNING = (Status.QUEUED, Status.VALIDATING, Status.APPLYING)

    kind = models.CharField(_("导入类型"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    options = models.JSONField(_("导入选项"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    report = models.JSONField(_("校验结果"), default=dict)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def changes_nothing(self) -> bool:
        """A validated file whose every row is already stored as it says."""
        counts = [value for value in (self.report or {}).values() if isinstance(value, dict)]
        return self.status == self.Status.READY and not any(
            count.get("created") or count.get("updated") for count in counts
        )

    @property
    def outcome(self) -> str:
        """The status as the user should read it: a preview that would change nothing says so."""
        return str(_("无变化")) if self.changes_nothing else self.get_status_display()


# --- the access log ---------------------------------------------------------------------------


class AccessLog(models.Model):
    """访问记录: who viewed, searched by ID number or exported personal data; when, what, how
    many records, and from where. Written by core.access; read by auditors (admin, command)."""

    class Kind(models.TextChoices):
        VIEW = "view", _("查看")
        SEARCH = "search", _("按证件号码查询")
        EXPORT = "export", _("导出")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    what = models.CharField(_("内容"), max_length=300)
    count = models.PositiveIntegerField(_("记录数"), default=0)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="core_accesslog_user_at_idx")]

    def __str__(self) -> str:
        return f"{self.username} {self.get_kind_display()} {self.what}"


class ExportJob(models.Model):
    """导出任务: a filtered list too large to export while the user waits, written in the
    background with progress and downloaded when done. Its kind names what is exported (the
    household list …): core.exports."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导出中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("导出失败")
        EXPIRED = "expired", _("已过期")  # its file deleted after the keeping time

    RUNNING = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("导出类型"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导出人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    query = models.CharField(_("筛选条件"), max_length=2000, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING
