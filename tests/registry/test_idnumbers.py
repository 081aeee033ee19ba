import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core import idnumbers, presenter


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_valid_numbers_parse_with_birth_date_and_sex(number):
    parsed = idnumbers.parse(number)
    assert parsed.number == number
    assert parsed.birth_date == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert parsed.sex == ("male" if int(number[16]) % 2 else "female")


def test_lower_case_x_and_full_width_digits_are_normalised():
    assert idnumbers.parse("11010519491231002x").number == "11010519491231002X"
    assert idnumbers.parse("１１０１０５ １９４９１２３１００２ｘ").number == "11010519491231002X"


def test_wrong_check_character_says_what_it_should_be():
    with pytest.raises(ValidationError) as error:
        idnumbers.parse("110105194912310021")
    assert error.value.code == "check_character"
    assert "应为 X" in error.value.messages[0]


def test_impossible_birth_date_is_refused():
    first17 = "62062319800230001"  # 30 February
    with pytest.raises(ValidationError) as error:
        idnumbers.parse(first17 + idnumbers.check_character(first17))
    assert error.value.code == "birth_date"
    assert "19800230" in error.value.messages[0]


def test_future_birth_date_is_refused():
    first17 = "62062321990101001"
    with pytest.raises(ValidationError):
        idnumbers.parse(first17 + idnumbers.check_character(first17))


def test_fifteen_digit_number_is_upgraded():
    # 15-digit 110105491231002 -> 11010519491231002 + check character X
    parsed = idnumbers.parse("110105491231002")
    assert parsed.number == "11010519491231002X"
    assert parsed.sex == "female"


@pytest.mark.parametrize("number", ["1101051949123100", "11010519491231002Y", "abc"])
def test_wrong_length_or_characters_are_refused(number):
    with pytest.raises(ValidationError) as error:
        idnumbers.parse(number)
    assert error.value.code == "format"


def test_number_stored_as_a_number_by_excel_is_explained():
    with pytest.raises(ValidationError) as error:
        idnumbers.parse("6.20623199001011E+17")
    assert error.value.code == "scientific"
    assert "文本" in error.value.messages[0]


def test_mask_keeps_the_first_six_and_last_four():
    assert presenter.mask("62062319900101123X") == "620623********123X"
    assert presenter.mask("123") == "***"
