"""Resident ID numbers (公民身份号码, GB 11643-1999).

18 characters: 6-digit address code, birth date YYYYMMDD, 3-digit sequence (odd for men, even
for women) and a check character. Unknown address codes are accepted on purpose: counties are
renamed and recoded, but the people keep their numbers.
"""

import datetime as dt
import operator
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SEX_LABELS = {"male": gettext_lazy("男"), "female": gettext_lazy("女")}
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
_SEPARATORS = re.compile(r"[\s\-]+")
# What Excel shows for an 18-digit number stored as a number: 6.20623199001011E+17.
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_LEGACY_15 = re.compile(r"[0-9]{15}")
_CURRENT_18 = re.compile(r"[0-9]{17}[0-9X]")


@dataclass(frozen=True)
class ParsedId:
    number: str
    birth_date: dt.date
    sex: str  # "male" / "female", the values of choices.Sex

    @property
    def sex_label(self) -> str:
        return str(SEX_LABELS[self.sex])


def check_character(first17: str) -> str:
    total = sum(map(operator.mul, map(int, first17), WEIGHTS))
    return CHECK_CHARACTERS[total % 11]


def normalize(raw: str) -> str:
    """Fold full-width characters, drop spaces and dashes, upper-case the X."""
    text = unicodedata.normalize("NFKC", str(raw))
    return _SEPARATORS.sub("", text).upper()


def upgrade_15(number15: str) -> str:
    """A legacy 15-digit number becomes 18 digits: insert "19" and add the check character."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_character(first17)


def parse(raw: str) -> ParsedId:
    """Validate an ID number and return it normalised, with the birth date and sex it encodes.

    Raises ValidationError with a Chinese message that says what is wrong and how to fix it.
    """
    number = normalize(raw)
    if not number:
        raise ValidationError(_("请填写证件号码。"), code="required")
    if _SCIENTIFIC.match(number):
        raise ValidationError(
            _(
                "证件号码被 Excel 存成了数字（%(value)s），后几位已丢失。"
                "请把该列设为“文本”格式后重新录入完整的 18 位号码。"
            )
            % {"value": number},
            code="scientific",
        )
    if _LEGACY_15.fullmatch(number):
        number = upgrade_15(number)
    elif not _CURRENT_18.fullmatch(number):
        raise ValidationError(
            _("证件号码应为 18 位（最后一位可为 X），或 15 位旧号码；当前为 %(length)d 位。")
            % {"length": len(number)},
            code="format",
        )
    try:
        birth_date = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("证件号码中的出生日期 %(value)s 不存在。") % {"value": number[6:14]},
            code="birth_date",
        ) from None
    # The default time zone's today: timezone.localdate() looks up the active zone, a
    # context-local, which costs more than the rest of this check on an import's every row.
    if (
        birth_date.year < 1880
        or birth_date > dt.datetime.now(timezone.get_default_timezone()).date()
    ):
        raise ValidationError(
            _("证件号码中的出生日期 %(value)s 不合理。") % {"value": number[6:14]},
            code="birth_date",
        )
    expected = check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("证件号码校验位错误：最后一位应为 %(expected)s，请核对号码。")
            % {"expected": expected},
            code="check_character",
        )
    sex = "male" if int(number[16]) % 2 else "female"
    return ParsedId(number=number, birth_date=birth_date, sex=sex)
