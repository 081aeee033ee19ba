"""Fixed enumerations of the national household file (DOMAIN.md §1), with their Chinese labels.

Lists that counties change (causes, household attributes, poverty lines) are data, not here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentificationStandard(models.TextChoices):
    NATIONAL = "national", _("国家标准")
    PROVINCIAL = "provincial", _("省定标准")
    CITY = "city", _("市定标准")


class HouseholdStatus(models.TextChoices):
    APPLICANT = "applicant", _("申请中")
    REGISTERED = "registered", _("贫困户")
    EXITED = "exited", _("已脱贫")
    REMOVED = "removed", _("已清退/减少")


class RemovalReason(models.TextChoices):
    MISIDENTIFIED = "misidentified", _("识别不准清退")
    DEATH = "death", _("自然减少：死亡")
    MOVED_AWAY = "moved_away", _("自然减少：迁出")
    OTHER = "other", _("其他")


class MonitoringCategory(models.TextChoices):
    NONE = "none", _("非监测对象")
    UNSTABLE = "unstable", _("脱贫不稳定户")
    MARGINAL = "marginal", _("边缘易致贫户")
    SUDDEN = "sudden", _("突发严重困难户")


class RelocationMode(models.TextChoices):
    WHOLE_VILLAGE = "whole_village", _("整村搬迁")
    SCATTERED = "scattered", _("分散搬迁")


class ResettlementMode(models.TextChoices):
    CENTRALISED = "centralised", _("集中安置")
    DISPERSED = "dispersed", _("分散安置")


class HousingSafety(models.TextChoices):
    SAFE = "safe", _("安全住房")
    GRADE_C = "grade_c", _("C级危房")
    GRADE_D = "grade_d", _("D级危房")
    NONE = "none", _("无自有住房")


class LineBasis(models.TextChoices):
    NATIONAL = "national", _("国家标准")
    PROVINCIAL = "provincial", _("省定标准")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    HOUSEHOLD_REGISTER = "household_register", _("户口簿")
    OTHER = "other", _("其他证件")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("之子")
    DAUGHTER = "daughter", _("之女")
    DAUGHTER_IN_LAW = "daughter_in_law", _("之儿媳")
    SON_IN_LAW = "son_in_law", _("之女婿")
    GRANDSON = "grandson", _("之孙子")
    GRANDDAUGHTER = "granddaughter", _("之孙女")
    DAUGHTERS_SON = "daughters_son", _("之外孙子")
    DAUGHTERS_DAUGHTER = "daughters_daughter", _("之外孙女")
    FATHER = "father", _("之父")
    MOTHER = "mother", _("之母")
    WIFES_FATHER = "wifes_father", _("之岳父")
    WIFES_MOTHER = "wifes_mother", _("之岳母")
    HUSBANDS_FATHER = "husbands_father", _("之公公")
    HUSBANDS_MOTHER = "husbands_mother", _("之婆婆")
    GRANDFATHER = "grandfather", _("之祖父")
    GRANDMOTHER = "grandmother", _("之祖母")
    MATERNAL_GRANDFATHER = "maternal_grandfather", _("之外祖父")
    MATERNAL_GRANDMOTHER = "maternal_grandmother", _("之外祖母")
    OTHER = "other", _("其他")


class Education(models.TextChoices):
    ILLITERATE = "illiterate", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    COLLEGE = "college", _("大专及以上")
    PRESCHOOL = "preschool", _("学龄前儿童")


class SchoolStatus(models.TextChoices):
    NOT_IN_SCHOOL = "none", _("非在校生")
    PRESCHOOL = "preschool", _("学前教育")
    PRIMARY = "primary", _("小学")
    GRADE_7 = "grade_7", _("七年级")
    GRADE_8 = "grade_8", _("八年级")
    GRADE_9 = "grade_9", _("九年级")
    SENIOR_1 = "senior_1", _("高中一年级")
    SENIOR_2 = "senior_2", _("高中二年级")
    SENIOR_3 = "senior_3", _("高中三年级")
    VOCATIONAL_1 = "vocational_1", _("中职一年级")
    VOCATIONAL_2 = "vocational_2", _("中职二年级")
    VOCATIONAL_3 = "vocational_3", _("中职三年级")
    HIGHER_VOCATIONAL_1 = "higher_vocational_1", _("高职一年级")
    HIGHER_VOCATIONAL_2 = "higher_vocational_2", _("高职二年级")
    HIGHER_VOCATIONAL_3 = "higher_vocational_3", _("高职三年级")
    COLLEGE = "college", _("大专及以上")


class LabourSkill(models.TextChoices):
    ORDINARY = "ordinary", _("普通劳动力")
    SKILLED = "skilled", _("技能劳动力")
    LOST = "lost", _("丧失劳动力")
    NONE = "none", _("无劳动力")


class MigrantWork(models.TextChoices):
    NONE = "none", _("未外出务工")
    IN_TOWNSHIP = "in_township", _("乡镇内")
    IN_COUNTY = "in_county", _("乡镇外县内")
    IN_PROVINCE = "in_province", _("县外省内")
    OUT_OF_PROVINCE = "out_of_province", _("省外")
    OTHER = "other", _("其他")


class MemberJoinReason(models.TextChoices):
    ORIGINAL = "original", _("建档时在册")
    MARRIED_IN = "married_in", _("嫁入")
    NEWBORN = "newborn", _("新生儿")
    OTHER_IN = "other_in", _("其他转入")


class MemberLeaveReason(models.TextChoices):
    DEATH = "death", _("死亡")
    MARRIED_OUT = "married_out", _("嫁出")
    EMIGRATED = "emigrated", _("出国定居")
    IMPRISONED = "imprisoned", _("判刑收监")
    OTHER_OUT = "other_out", _("其他转出")


# GB 3304-1991 names of China's ethnic groups, in the standard's order (code = position).
ETHNICITIES = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]
ETHNICITY_CHOICES = [(name, name) for name in [*ETHNICITIES, "其他", "外国血统"]]
