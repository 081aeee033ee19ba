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
        from .choices import Sex

        return str(Sex(self.sex).label)


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


def mask(value: str, keep_start: int = 6, keep_end: int = 4) -> str:
    """620623199001011234 -> 620623********1234; short values are hidden entirely."""
    if not value:
        return value
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_date(value: str) -> str:
    """1984-01-05 -> 1984-**-**: the full date would give back the digits an ID mask hides."""
    return value[:4] + "-**-**" if value else value


# What a read-only role sees masked. A disability certificate number is the ID number plus two
# digits, and the birth date is the middle of the ID number, so both are masked with it.
MASKERS = {
    "id_number": mask,
    "bank_account": mask,
    "disability_certificate": mask,
    "birth_date": mask_date,
}


def mask_fields(data: dict) -> dict:
    """Mask the sensitive values of a record or of a change record's [old, new] pairs, in place."""
    for key, masker in MASKERS.items():
        value = data.get(key)
        if isinstance(value, str):
            data[key] = masker(value)
        elif isinstance(value, list):
            data[key] = [masker(v) if isinstance(v, str) else v for v in value]
    return data


def mask_household(household) -> None:
    """Mask a household instance for a reader who does not keep it. It must not be saved."""
    household.bank_account = mask(household.bank_account)


def mask_member(member) -> None:
    """Mask a member instance for a reader who does not keep it: the ID number, the disability
    certificate (the ID number plus two digits) and the birth date (its hidden middle), leaving
    the birth year in `masked_birth_date`. It must not be saved."""
    member.masked_birth_date = mask_date(member.birth_date.isoformat()) if member.birth_date else ""
    member.birth_date = None
    member.id_number = mask(member.id_number)
    member.disability_certificate = mask(member.disability_certificate)
