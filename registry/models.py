"""The registry: households (户), members (人), annual incomes, poverty lines and the reference
lists. Areas, posts and history are core's."""

import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core import idnumbers
from core.choices import AreaLevel
from core.models import YEAR, Area, Versioned, phone_validator
from core.scope import ScopedQuerySet, level_of

from .choices import (
    ETHNICITY_CHOICES,
    Education,
    HouseholdStatus,
    HousingSafety,
    IdentificationStandard,
    IdType,
    LabourSkill,
    LineBasis,
    MemberJoinReason,
    MemberLeaveReason,
    MigrantWork,
    MonitoringCategory,
    Relation,
    RelocationMode,
    RemovalReason,
    ResettlementMode,
    SchoolStatus,
    Sex,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
CENT = Decimal("0.01")

bank_account_validator = RegexValidator(r"^\d{8,30}$", _("银行账号应为 8 至 30 位数字。"))


# --- reference lists that counties edit --------------------------------------------------------


class Term(models.Model):
    code = models.SlugField(_("代码"), max_length=30, primary_key=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class PovertyCause(Term):
    """致贫原因: 因病, 因残, 因学 ... (counties add 因婚, 因丧)."""

    class Meta(Term.Meta):
        verbose_name = _("致贫原因")
        verbose_name_plural = _("致贫原因")


class HouseholdAttribute(Term):
    """贫困户属性: 一般贫困户, 低保贫困户, 特困供养贫困户 (formerly 五保贫困户)."""

    class Meta(Term.Meta):
        verbose_name = _("贫困户属性")
        verbose_name_plural = _("贫困户属性")


class PovertyLine(models.Model):
    """扶贫标准: the line for one year, per person per year, with its basis and the 防返贫 threshold."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True, validators=YEAR)
    amount = models.DecimalField(_("标准（元/人·年）"), validators=NON_NEGATIVE, **MONEY)
    basis = models.CharField(_("依据"), max_length=12, choices=LineBasis.choices)
    monitoring_threshold = models.DecimalField(
        _("防返贫监测标准（元/人·年）"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("扶贫标准")
        verbose_name_plural = _("扶贫标准")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


# --- households -----------------------------------------------------------------------------


class HouseholdQuerySet(ScopedQuerySet):
    area_field = "village__code"


class Household(Versioned):
    """户: the people who live together and share expenses, as the 建档立卡 file records them."""

    number = models.CharField(_("户编号"), max_length=32, unique=True)
    village = models.ForeignKey(
        Area,
        verbose_name=_("行政村"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": AreaLevel.VILLAGE},
        db_index=False,  # covered by the (village, id) and (village, status) indexes below
    )
    group = models.CharField(_("村民小组"), max_length=30, blank=True)
    # Kept by services from the live members, for lists and search without a join.
    head_name = models.CharField(_("户主姓名"), max_length=50, editable=False)
    size = models.PositiveSmallIntegerField(_("家庭人口数"), default=0, editable=False)

    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[phone_validator])
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    bank_account = models.CharField(
        _("银行账号"), max_length=30, blank=True, validators=[bank_account_validator]
    )

    standard = models.CharField(
        _("识别标准"),
        max_length=12,
        choices=IdentificationStandard.choices,
        default=IdentificationStandard.NATIONAL,
    )
    attribute = models.ForeignKey(
        HouseholdAttribute,
        verbose_name=_("贫困户属性"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    main_cause = models.ForeignKey(
        PovertyCause,
        verbose_name=_("主要致贫原因"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    other_causes = models.ManyToManyField(
        PovertyCause, verbose_name=_("其他致贫原因"), blank=True, related_name="+"
    )
    # Status and what goes with it are written only by services.status.household_status_set,
    # which the procedures call (identification, exit verification, a migration import).
    first_identified_year = models.PositiveSmallIntegerField(
        _("识别年度"), null=True, blank=True, validators=YEAR, editable=False
    )
    planned_exit_year = models.PositiveSmallIntegerField(
        _("计划脱贫年度"), null=True, blank=True, validators=YEAR
    )
    exit_year = models.PositiveSmallIntegerField(
        _("脱贫年度"), null=True, blank=True, validators=YEAR, editable=False
    )
    return_year = models.PositiveSmallIntegerField(
        _("返贫年度"), null=True, blank=True, validators=YEAR, editable=False
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=HouseholdStatus.choices,
        default=HouseholdStatus.APPLICANT,
        editable=False,
    )
    removal_reason = models.CharField(
        _("清退/减少原因"),
        max_length=16,
        choices=RemovalReason.choices,
        blank=True,
        editable=False,
    )
    removal_note = models.CharField(_("清退/减少说明"), max_length=200, blank=True, editable=False)
    monitoring_category = models.CharField(
        _("监测类型"),
        max_length=10,
        choices=MonitoringCategory.choices,
        default=MonitoringCategory.NONE,
    )

    military_family = models.BooleanField(_("军烈属"), default=False)
    only_child = models.BooleanField(_("独生子女户"), default=False)
    two_daughters = models.BooleanField(_("双女户"), default=False)
    relocated = models.BooleanField(_("易地扶贫搬迁户"), default=False)
    relocation_mode = models.CharField(
        _("搬迁方式"), max_length=16, choices=RelocationMode.choices, blank=True
    )
    resettlement_mode = models.CharField(
        _("安置方式"), max_length=16, choices=ResettlementMode.choices, blank=True
    )

    # 二看: production and living conditions.
    cultivated_land_area = models.DecimalField(
        _("耕地面积（亩）"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    forest_land_area = models.DecimalField(
        _("林地面积（亩）"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    housing_area = models.DecimalField(
        _("住房面积（㎡）"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    housing_safety = models.CharField(
        _("住房安全"), max_length=10, choices=HousingSafety.choices, blank=True
    )
    safe_drinking_water = models.BooleanField(_("饮水安全"), null=True, blank=True)
    electricity = models.BooleanField(_("通生活用电"), null=True, blank=True)
    broadcast_tv = models.BooleanField(_("通广播电视"), null=True, blank=True)
    sanitary_toilet = models.BooleanField(_("卫生厕所"), null=True, blank=True)
    road_distance_km = models.DecimalField(
        _("距村主干路（公里）"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("贫困户")
        verbose_name_plural = _("贫困户")
        ordering = ["id"]
        indexes = [
            # Area filters are prefix tests; the pattern opclass keeps them index scans under any
            # collation, and the second column serves paging by id and counting by status.
            models.Index(
                fields=["village", "id"],
                opclasses=["varchar_pattern_ops", "int8_ops"],
                name="household_village_id_idx",
            ),
            models.Index(
                fields=["village", "status"],
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                name="household_village_status_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=HouseholdStatus.REMOVED) | ~Q(removal_reason=""),
                name="household_removed_has_reason",
                violation_error_message=_("清退或减少的户必须填写原因。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.head_name}"

    def clean(self):
        errors = {}
        if self.village_id and level_of(self.village_id) != AreaLevel.VILLAGE:
            errors["village"] = gettext("请选择行政村一级的区划。")
        if self.status == HouseholdStatus.REMOVED and not self.removal_reason:
            errors["removal_reason"] = gettext("清退或减少的户必须填写原因。")
        if self.status != HouseholdStatus.REMOVED and self.removal_reason:
            errors["removal_reason"] = gettext("只有已清退/减少的户才填写原因。")
        if self.status == HouseholdStatus.EXITED and not self.exit_year:
            errors["exit_year"] = gettext("已脱贫的户必须填写脱贫年度。")
        if (
            self.first_identified_year
            and self.planned_exit_year
            and self.planned_exit_year < self.first_identified_year
        ):
            errors["planned_exit_year"] = gettext("计划脱贫年度不能早于识别年度。")
        if (
            self.exit_year
            and self.first_identified_year
            and self.exit_year < self.first_identified_year
        ):
            errors["exit_year"] = gettext("脱贫年度不能早于识别年度。")
        if self.return_year and (not self.exit_year or self.return_year < self.exit_year):
            errors["return_year"] = gettext("返贫年度必须晚于或等于脱贫年度。")
        if not self.relocated and (self.relocation_mode or self.resettlement_mode):
            errors["relocated"] = gettext("填写了搬迁或安置方式的户应标记为易地扶贫搬迁户。")
        if errors:
            raise ValidationError(errors)


# The fields a user edits, in the order the pages and the API show them.
HOUSEHOLD_EDITABLE_FIELDS = [
    "number",
    "village",
    "group",
    "phone",
    "bank_name",
    "bank_account",
    "standard",
    "attribute",
    "main_cause",
    "other_causes",
    "planned_exit_year",
    "monitoring_category",
    "military_family",
    "only_child",
    "two_daughters",
    "relocated",
    "relocation_mode",
    "resettlement_mode",
    "cultivated_land_area",
    "forest_land_area",
    "housing_area",
    "housing_safety",
    "safe_drinking_water",
    "electricity",
    "broadcast_tv",
    "sanitary_toilet",
    "road_distance_km",
]


# A household's status and what goes with it: shown everywhere, written only by the status
# service (services.status), never by a form, an API field, an admin action or a cadre's import.
HOUSEHOLD_STATUS_FIELDS = [
    "status",
    "first_identified_year",
    "exit_year",
    "return_year",
    "removal_reason",
    "removal_note",
]


# --- members --------------------------------------------------------------------------------


def health_labels(chronic_illness: bool, serious_illness: bool, disabled: bool) -> list[str]:
    """健康状况 as lists show it: the conditions a member has, or 健康."""
    return list(
        _health_labels(get_language(), bool(chronic_illness), bool(serious_illness), bool(disabled))
    )


@functools.cache
def _health_labels(_language, chronic_illness, serious_illness, disabled) -> tuple[str, ...]:
    """Eight answers a language: a list of 200 members asks them 200 times."""
    fields = Member._meta
    labels = [
        str(fields.get_field(name).verbose_name)
        for name, has in (
            ("chronic_illness", chronic_illness),
            ("serious_illness", serious_illness),
            ("disabled", disabled),
        )
        if has
    ]
    return tuple(labels) or (gettext("健康"),)


# The fields a user edits on a member, in the order the pages and the API show them.
MEMBER_EDITABLE_FIELDS = [
    "name",
    "id_type",
    "id_number",
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "education",
    "school_status",
    "chronic_illness",
    "serious_illness",
    "disabled",
    "disability_certificate",
    "labour_skill",
    "migrant_work",
    "migrant_months",
    "medical_insurance",
    "critical_illness_insurance",
    "pension_insurance",
    "dibao",
    "tekun",
]


class MemberQuerySet(ScopedQuerySet):
    area_field = "household__village__code"

    def live(self):
        return self.filter(left_on__isnull=True)


class Member(Versioned):
    """家庭成员: one person in a household. A member who leaves keeps the row, with the reason."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("证件号码"), max_length=30)
    sex = models.CharField(_("性别"), max_length=6, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    relation = models.CharField(_("与户主关系"), max_length=24, choices=Relation.choices)
    ethnicity = models.CharField(
        _("民族"), max_length=10, choices=ETHNICITY_CHOICES, default="汉族"
    )
    education = models.CharField(
        _("文化程度"), max_length=12, choices=Education.choices, blank=True
    )
    school_status = models.CharField(
        _("在校生状况"),
        max_length=20,
        choices=SchoolStatus.choices,
        default=SchoolStatus.NOT_IN_SCHOOL,
    )
    chronic_illness = models.BooleanField(_("长期慢性病"), default=False)
    serious_illness = models.BooleanField(_("患有大病"), default=False)
    disabled = models.BooleanField(_("残疾"), default=False)
    disability_certificate = models.CharField(_("残疾证号"), max_length=30, blank=True)
    labour_skill = models.CharField(
        _("劳动技能"), max_length=10, choices=LabourSkill.choices, blank=True
    )
    migrant_work = models.CharField(
        _("务工状况"), max_length=16, choices=MigrantWork.choices, default=MigrantWork.NONE
    )
    migrant_months = models.PositiveSmallIntegerField(
        _("务工时间（月）"), default=0, validators=[MaxValueValidator(12)]
    )
    medical_insurance = models.BooleanField(_("城乡居民基本医疗保险"), default=False)
    critical_illness_insurance = models.BooleanField(_("大病保险"), default=False)
    pension_insurance = models.BooleanField(_("城乡居民基本养老保险"), default=False)
    dibao = models.BooleanField(_("享受低保"), default=False)
    tekun = models.BooleanField(_("特困供养"), default=False)

    # Unknown (empty) for members present when the household was registered or imported: the
    # family existed before the registry, so a later leave may be dated any time before.
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)
    join_reason = models.CharField(
        _("加入原因"),
        max_length=12,
        choices=MemberJoinReason.choices,
        default=MemberJoinReason.ORIGINAL,
    )
    left_on = models.DateField(_("减员日期"), null=True, blank=True)
    leave_reason = models.CharField(
        _("减员原因"), max_length=12, choices=MemberLeaveReason.choices, blank=True
    )
    leave_note = models.CharField(_("减员说明"), max_length=200, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household_id", "id"]
        indexes = [
            # Only whole numbers are looked up: db_index would add a pattern (LIKE) index too,
            # which every imported row would pay for and no query uses.
            models.Index(fields=["id_number"], name="member_id_number_idx"),
            # Name search over live members answers from the index alone (bench: 115 ms -> 3 ms).
            models.Index(
                fields=["name", "household"],
                opclasses=["varchar_pattern_ops", "int8_ops"],
                condition=Q(left_on__isnull=True),
                name="member_live_name_household_idx",
            ),
        ]
        constraints = [
            # One person, one live record: enforced by the database, not only by forms.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(left_on__isnull=True),
                name="member_one_live_record_per_person",
                violation_error_message=_("该证件号码已在其他户中登记，一人只能有一条在册记录。"),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(left_on__isnull=True, relation="head"),
                name="member_one_head_per_household",
                violation_error_message=_("一户只能有一位户主。"),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | ~Q(leave_reason=""),
                name="member_left_has_reason",
                violation_error_message=_("减员必须填写原因。"),
            ),
            models.CheckConstraint(
                condition=Q(migrant_months__lte=12), name="member_migrant_months_at_most_12"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.left_on is None

    @property
    def birth_year(self) -> int | None:
        return self.birth_date.year if self.birth_date else None

    @property
    def health_labels(self) -> list[str]:
        return health_labels(self.chronic_illness, self.serious_illness, self.disabled)

    def clean(self):
        """Check the ID number and fill in, or check, the sex and birth date it encodes."""
        errors = {}
        if self.id_type in (IdType.RESIDENT_ID, IdType.HOUSEHOLD_REGISTER):
            try:
                parsed = idnumbers.parse(self.id_number)
            except ValidationError as error:
                errors["id_number"] = error.messages
            else:
                self.id_number = parsed.number
                if not self.sex:
                    self.sex = parsed.sex
                elif self.sex != parsed.sex:
                    errors["sex"] = gettext("性别与证件号码不符：号码显示为%(sex)s。") % {
                        "sex": Sex(parsed.sex).label
                    }
                if not self.birth_date:
                    self.birth_date = parsed.birth_date
                elif self.birth_date != parsed.birth_date:
                    errors["birth_date"] = gettext(
                        "出生日期与证件号码不符：号码显示为 %(date)s。"
                    ) % {"date": parsed.birth_date.isoformat()}
        else:
            self.id_number = idnumbers.normalize(self.id_number)
            # A resident ID's date was checked with the number; another document's is not.
            if self.birth_date and self.birth_date > _today():
                errors["birth_date"] = gettext("出生日期不能晚于今天。")
        if self.left_on and self.left_on > _today():
            errors["left_on"] = gettext("减员日期不能晚于今天。")
        if self.migrant_work == MigrantWork.NONE and self.migrant_months:
            errors["migrant_months"] = gettext("未外出务工的成员务工时间应为 0。")
        if self.disability_certificate and not self.disabled:
            errors["disabled"] = gettext("填写了残疾证号的成员应标记为残疾。")
        if self.left_on and not self.leave_reason:
            errors["leave_reason"] = gettext("减员必须填写原因。")
        if errors:
            raise ValidationError(errors)


def _today():
    """The default time zone's today. (timezone.localdate() looks up the active zone, a
    context-local: on an import's every row it cost more than the check.)"""
    return dt.datetime.now(timezone.get_default_timezone()).date()


# --- incomes and the line -----------------------------------------------------------------------


INCOME_AMOUNT_FIELDS = (
    "wage_income",
    "production_income",
    "property_income",
    "transfer_income",
    "production_cost",
)


class IncomeQuerySet(ScopedQuerySet):
    area_field = "household__village__code"


class Income(Versioned):
    """收入: a household's income for one year (DOMAIN.md §2).

    人均纯收入 = (工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出) ÷ 家庭人口数.
    The household size is stored with the year, because families change after the count.
    """

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="incomes"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    wage_income = models.DecimalField(_("工资性收入"), default=0, validators=NON_NEGATIVE, **MONEY)
    production_income = models.DecimalField(
        _("生产经营性收入"), default=0, validators=NON_NEGATIVE, **MONEY
    )
    property_income = models.DecimalField(
        _("财产性收入"), default=0, validators=NON_NEGATIVE, **MONEY
    )
    transfer_income = models.DecimalField(
        _("转移性收入"), default=0, validators=NON_NEGATIVE, **MONEY
    )
    production_cost = models.DecimalField(
        _("生产经营性支出"), default=0, validators=NON_NEGATIVE, **MONEY
    )
    household_size = models.PositiveSmallIntegerField(
        _("家庭人口数"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )

    objects = IncomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度收入")
        verbose_name_plural = _("年度收入")
        ordering = ["household_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"],
                name="income_one_per_household_year",
                violation_error_message=_("该户该年度的收入已登记，请修改原记录。"),
            ),
            models.CheckConstraint(
                condition=Q(wage_income__gte=0)
                & Q(production_income__gte=0)
                & Q(property_income__gte=0)
                & Q(transfer_income__gte=0)
                & Q(production_cost__gte=0),
                name="income_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(household_size__gte=1), name="income_household_size_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"

    @property
    def net_income(self) -> Decimal:
        return net_income(
            wage=self.wage_income,
            production=self.production_income,
            property_=self.property_income,
            transfer=self.transfer_income,
            cost=self.production_cost,
        )

    @property
    def per_capita_net_income(self) -> Decimal | None:
        return per_capita(self.net_income, self.household_size)


def net_income(*, wage, production, property_, transfer, cost) -> Decimal:
    return (
        Decimal(wage) + Decimal(production) + Decimal(property_) + Decimal(transfer) - Decimal(cost)
    )


def per_capita(net: Decimal, size: int | None) -> Decimal | None:
    if not size:
        return None
    return (Decimal(net) / size).quantize(CENT, rounding=ROUND_HALF_UP)


# --- kept figures (registry.figures) -----------------------------------------------------------


def _count(label):
    return models.PositiveIntegerField(label, default=0)


class VillageFiguresQuerySet(ScopedQuerySet):
    area_field = "village__code"


class VillageFigures(models.Model):
    """One village's counts, as the home page and the county's dashboards read them: kept by
    registry.figures after every change, never edited. Counting them on each request costs a
    county 125,000 households and a subquery each (issue 14)."""

    village = models.OneToOneField(
        Area, verbose_name=_("村"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    income_year = models.PositiveSmallIntegerField(_("收入年度"))
    households_applicant = _count(_("申请中户数"))
    households_registered = _count(_("贫困户户数"))
    households_exited = _count(_("已脱贫户数"))
    households_removed = _count(_("已清退/减少户数"))
    people_applicant = _count(_("申请中人数"))
    people_registered = _count(_("贫困人口"))
    people_exited = _count(_("已脱贫人口"))
    people_removed = _count(_("已清退/减少人口"))
    missing_income = _count(_("缺本年度收入户数"))
    missing_phone = _count(_("缺联系电话户数"))
    missing_bank = _count(_("缺银行账号户数"))
    monitoring_unstable = _count(_("脱贫不稳定户户数"))
    monitoring_marginal = _count(_("边缘易致贫户户数"))
    monitoring_sudden = _count(_("突发严重困难户户数"))
    counted_at = models.DateTimeField(_("统计时间"))

    objects = VillageFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("村统计数")
        verbose_name_plural = _("村统计数")
        indexes = [
            models.Index(
                fields=["village"], opclasses=["varchar_pattern_ops"], name="figures_village_idx"
            )
        ]

    def __str__(self) -> str:
        return self.village_id


class StaleVillageFiguresQuerySet(ScopedQuerySet):
    area_field = "village_id"


class StaleVillageFigures(models.Model):
    """A village whose figures a change has made stale: written in the change's own
    transaction, deleted once the village is counted again, so a figure read after a commit
    never misses it."""

    id = models.BigAutoField(primary_key=True)
    village_id = models.CharField(max_length=12)

    objects = StaleVillageFiguresQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["village_id"],
                opclasses=["varchar_pattern_ops"],
                name="stale_figures_village_idx",
            )
        ]

    def __str__(self) -> str:
        return self.village_id
