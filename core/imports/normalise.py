"""Turning what real ledgers contain into clean values: full-width characters and stray spaces,
ID numbers typed or stored every which way, dates in four shapes, amounts with 元 and commas,
and the synonyms people use for enumeration labels."""

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import idnumbers

_SPACES = re.compile(r"\s+")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def text(value) -> str:
    """NFKC-folded (full-width letters and digits to half-width), trimmed, spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    folded = _SPACES.sub(" ", unicodedata.normalize("NFKC", str(value))).strip()
    # Our exports write a leading apostrophe before = + - @ so Excel never runs the text.
    if folded[:1] == "'" and folded[1:2] in ("=", "+", "-", "@"):
        folded = folded[1:]
    return folded


def id_number(value) -> str:
    """The ID number as text. A number cell with more than 15 digits has lost its last ones:
    Excel keeps 15 significant digits, so that is an error, never a guess."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if value >= 1e15:
            raise ValidationError(
                _(
                    "证件号码被 Excel 存成了数字（%(value)s），后几位已丢失。"
                    "请把该列设为“文本”格式后重新录入完整的 18 位号码。"
                )
                % {"value": f"{value:.6E}"},
                code="scientific",
            )
        return str(int(value))
    return idnumbers.normalize(text(value))


def date(value) -> dt.date | None:
    """Excel dates, 1985-03-12, 1985.3.12, 1985/3/12, 1985年3月12日 or 19850312."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float | int):
        if 19000101 <= value <= 21001231:
            value = str(int(value))
        else:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
    raw = text(value)
    match = re.fullmatch(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?", raw) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", raw
    )
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValidationError(
        _("日期“%(value)s”无法识别，请写成 1985-03-12 的格式。") % {"value": raw}, code="date"
    )


def amount(value) -> Decimal | None:
    """1,200 / 1200元 / ￥1200.50 / 1 200 -> Decimal; empty -> None."""
    if value in (None, ""):
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    raw = text(value).replace(",", "").replace("，", "").replace("元", "").replace("¥", "")
    raw = raw.replace("￥", "").replace(" ", "")
    try:
        return Decimal(raw).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationError(
            _("金额“%(value)s”不是数字。") % {"value": text(value)}, code="amount"
        ) from None


def whole(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, float | int) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    raw = text(value).removesuffix("年").removesuffix("人").removesuffix("个月")
    if raw.isdigit():
        return int(raw)
    raise ValidationError(_("“%(value)s”应为整数。") % {"value": text(value)}, code="integer")


@lru_cache(maxsize=64)
def _labels(choices_class, language: str) -> dict[str, str]:
    """Label and stored value -> stored value, built once per enumeration and language. The
    Chinese labels always count: a ledger is written in Chinese whatever language its uploader
    reads the pages in."""
    with translation.override(None):  # no catalogue: the labels as written in the source
        mapping = {str(label): stored for stored, label in choices_class.choices}
    mapping.update({str(label): stored for stored, label in choices_class.choices})
    mapping.update({stored: stored for stored in choices_class.values})
    return mapping


def choice(value, choices_class, synonyms: dict[str, str] | None = None) -> str:
    """An enumeration label (or a synonym, or the stored value itself) -> the stored value."""
    raw = text(value).replace(" ", "")
    if not raw:
        return ""
    raw = (synonyms or {}).get(raw, raw)
    stored = _labels(choices_class, get_language()).get(raw)
    if stored is None:
        raise ValidationError(
            _("“%(value)s”不在可选值中（%(options)s）。")
            % {"value": text(value), "options": "、".join(map(str, choices_class.labels))},
            code="choice",
        )
    return stored
