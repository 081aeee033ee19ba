"""One presenter decides what a reader sees: the row itself for who keeps its area, a masked
copy for everyone else; the copy can never be saved over the real data."""

import pytest

from core.presenter import Presenter


def test_a_reader_gets_a_masked_copy_and_the_row_stays_whole(households, county_office, cadre_a):
    member = households["A"].members.get(relation="head")
    number, birth = member.id_number, member.birth_date
    shown = Presenter(county_office).row(member, households["A"].village_id)
    assert shown is not member
    assert shown.id_number == number[:6] + "********" + number[-4:]
    assert shown.birth_date is None and shown.masked_birth_date == "****-**-**"
    assert (member.id_number, member.birth_date) == (number, birth)
    with pytest.raises(RuntimeError):
        shown.save()
    assert Presenter(cadre_a).row(member, households["A"].village_id) is member


def test_values_and_change_pairs_are_masked_as_copies(households, county_office):
    presenter = Presenter(county_office)
    values = {"bank_account": ["", "6228480012345678"], "phone": "13800000000"}
    shown = presenter.data(values, households["A"].village_id)
    assert shown == {"bank_account": ["", "622848******5678"], "phone": "13800000000"}
    assert values["bank_account"][1] == "6228480012345678"
