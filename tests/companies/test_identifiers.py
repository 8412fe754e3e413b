import pytest

from marketplace.companies.identifiers import IdentifierError, normalise
from tests.companies.factories import valid_edrpou, valid_ru_inn


def _bad_check_digit(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def test_ua_edrpou_valid_is_compacted():
    code = valid_edrpou()
    spaced = f" {code[:4]} {code[4:]} "
    assert normalise("ua", spaced, "").registration_number == code


def test_ua_edrpou_required():
    with pytest.raises(IdentifierError) as exc:
        normalise("UA", "", "")
    assert "EDRPOU" in exc.value.errors["registration_number"][0]


def test_ua_edrpou_wrong_check_digit_says_so():
    with pytest.raises(IdentifierError) as exc:
        normalise("UA", _bad_check_digit(valid_edrpou()), "")
    assert "check digit" in exc.value.errors["registration_number"][0]


def test_ua_edrpou_wrong_length():
    with pytest.raises(IdentifierError) as exc:
        normalise("UA", "1234", "")
    assert "length" in exc.value.errors["registration_number"][0]


@pytest.mark.parametrize("tax_id", ["1234567890", "123456789012"])
def test_ua_tax_number_shape_ok(tax_id):
    assert normalise("UA", valid_edrpou(), tax_id).tax_id == tax_id


def test_ua_tax_number_wrong_shape():
    with pytest.raises(IdentifierError) as exc:
        normalise("UA", valid_edrpou(), "12345")
    assert set(exc.value.errors) == {"tax_id"}


def test_ru_inn_required_and_checked():
    inn = valid_ru_inn()
    assert normalise("RU", "", inn).tax_id == inn
    with pytest.raises(IdentifierError) as exc:
        normalise("RU", "", "")
    assert "INN" in exc.value.errors["tax_id"][0]
    with pytest.raises(IdentifierError) as exc:
        normalise("RU", "", _bad_check_digit(inn))
    assert "check digit" in exc.value.errors["tax_id"][0]


def test_ru_ogrn_optional_but_checked():
    inn = valid_ru_inn()
    assert normalise("RU", "1027700132195", inn).registration_number == "1027700132195"
    with pytest.raises(IdentifierError) as exc:
        normalise("RU", "1027700132194", inn)
    assert set(exc.value.errors) == {"registration_number"}


@pytest.mark.parametrize(
    ("country", "given", "stored"),
    [
        ("DE", "DE 136 695 976", "DE136695976"),
        ("DE", "136695976", "DE136695976"),
        ("PL", "526-025-02-74", "PL5260250274"),
        ("GR", "094259216", "EL094259216"),
        ("AT", "ATU13585627", "ATU13585627"),
    ],
)
def test_eu_vat_compacted_with_country_prefix(country, given, stored):
    assert normalise(country, "", given).tax_id == stored


def test_eu_vat_required():
    with pytest.raises(IdentifierError) as exc:
        normalise("DE", "HRB 1234", "")
    assert "VAT" in exc.value.errors["tax_id"][0]


def test_eu_vat_of_another_country_refused():
    with pytest.raises(IdentifierError) as exc:
        normalise("FR", "", "DE136695976")
    assert "(FR)" in exc.value.errors["tax_id"][0]


def test_eu_vat_bad_checksum():
    with pytest.raises(IdentifierError) as exc:
        normalise("DE", "", "DE136695977")
    assert set(exc.value.errors) == {"tax_id"}


def test_eu_registration_number_free_form_compacted():
    assert normalise("DE", "HRB 12-34", "DE136695976").registration_number == "HRB1234"


def test_other_countries_free_form_need_one_identifier():
    ids = normalise("us", "ab-12 34", "")
    assert ids.registration_number == "AB1234"
    assert ids.tax_id == ""
    with pytest.raises(IdentifierError) as exc:
        normalise("US", " ", "")
    assert "registration_number" in exc.value.errors
