"""The vies service's local check (before any VIES request) and the cleaning of VIES's
answers: plain Python, no mesh needed."""

import pytest

from services.vies.checker import clean_address, clean_name
from services.vies.numbers import NotAVatNumber, VatNumber, parse


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("BG175074752", VatNumber("BG", "175074752")),
        ("bg 175 074 752", VatNumber("BG", "175074752")),
        ("Bg-175.074.752", VatNumber("BG", "175074752")),
        (" BG175074752\n", VatNumber("BG", "175074752")),
        ("BG8032056031", VatNumber("BG", "8032056031")),  # ЕГН, born 1880
        ("BG7111042925", VatNumber("BG", "7111042925")),  # ЛНЧ
        ("GR094014201", VatNumber("EL", "094014201")),  # VIES knows Greece as EL only
        ("el 094014201", VatNumber("EL", "094014201")),
        ("DE136695976", VatNumber("DE", "136695976")),
        ("ESX1234567L", VatNumber("ES", "X1234567L")),
        ("FR40303265045", VatNumber("FR", "40303265045")),
        ("NL004495445B01", VatNumber("NL", "004495445B01")),
        ("ATU13585627", VatNumber("AT", "U13585627")),
        ("XI980780684", VatNumber("XI", "980780684")),
    ],
)
def test_common_spellings_are_normalised(spelling, expected):
    assert parse(spelling) == expected


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("", "is required"),
        ("175074752", "must start with the country code"),
        ("XX123456789", "'XX' is not the code of an EU member state"),
        ("GB980780684", "use XI for Northern Ireland"),
        ("EU372000041", "VIES cannot check"),
        ("BG175074753", "check digit is wrong"),  # ЕИК check digit
        ("BG17507475", "9 digits (ЕИК of a company) or 10 digits (ЕГН, ЛНЧ or NRA number of a person)"),
        ("BG1750747521234", "9 digits (ЕИК"),  # a branch's 13-digit ЕИК is no VAT number
        ("BG8032056032", "not a valid ЕГН, ЛНЧ or NRA number"),
        ("BG17507475A", "9 digits"),
        ("DE136695977", "check digit is wrong"),
        ("DE12345678", "9 digits after DE"),
        ("EL12345678X", "9 digits after EL"),
        ("FR40303265046", "check digit is wrong"),
        ("ATU12345678", "check digit is wrong"),
        ("ESX1234567X", "check digit is wrong"),
    ],
)
def test_numbers_that_cannot_be_valid_are_refused_with_the_reason(number, reason):
    with pytest.raises(NotAVatNumber) as refused:
        parse(number)
    assert reason in str(refused.value)


def test_not_provided_name_and_address_become_empty():
    assert clean_name("---") == "" and clean_address("---") == "" and clean_address(None) == ""


def test_address_lines_are_trimmed_and_empty_lines_dropped():
    assert clean_address("\nVIJZELSTRAAT 00068 \n\n\n1017HL  AMSTERDAM\n") == "VIJZELSTRAAT 00068\n1017HL AMSTERDAM"
    assert clean_name("  EXAMPLE   OOD ") == "EXAMPLE OOD"
