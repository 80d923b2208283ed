"""The VAT return files, without gRPC or a database: the writers against golden files written
by hand from the field tables, the formulas, validation and the parser."""

import dataclasses
import io
from decimal import Decimal
from pathlib import Path

import pytest
from baraba.ledger.v1 import ledger_pb2

from services.vat import layouts
from services.vat.builder import Columns, ReturnBuilder, generate_files
from services.vat.fixed import Unwritable, clean_text
from services.vat.model import Choices, ValidationFailed, VatEntry
from services.vat.parser import check_files
from tests.support.vat_scenario import CHOICES, COMPANY, ENTRIES, PERIOD, bg, entry, eu

GOLDEN = Path(__file__).parents[1] / "data" / "vat" / PERIOD
FILES = ("DEKLAR.TXT", "POKUPKI.TXT", "PRODAGBI.TXT", "VIES.TXT")


def generate(entries=ENTRIES, period=PERIOD, choices=None, company=COMPANY):
    """The golden month with its choices; any other month with the defaults."""
    choices = choices or (CHOICES if entries is ENTRIES else Choices())
    return generate_files(period, company, choices, entries)


def cell(deklar: bytes, code: str) -> str:
    for f, start, end in layouts.DEKLAR.slices():
        if f.code == code:
            return deklar.decode("cp1251")[start:end]
    raise KeyError(code)


# --- the layouts ------------------------------------------------------------------------------


def test_record_widths_are_those_of_the_field_tables():
    widths = {layout.name: layout.width for layout in (layouts.DEKLAR, layouts.POKUPKI, layouts.PRODAGBI, *layouts.VIES_RECORDS.values())}
    assert widths == {"DEKLAR": 590, "POKUPKI": 274, "PRODAGBI": 424, "VHR": 15, "VDR": 373, "VTR": 368, "TTR": 27, "VIR": 66, "CHR": 8}
    assert len(layouts.DEKLAR.fields) == 36 and len(layouts.POKUPKI.fields) == 18 and len(layouts.PRODAGBI.fields) == 28


@pytest.mark.parametrize(
    ("layout", "code", "start", "end"),  # 1-based, inclusive, as the tables print them
    [
        (layouts.DEKLAR, "00-04", 72, 121), (layouts.DEKLAR, "01-14", 287, 301), (layouts.DEKLAR, "01-16", 317, 331),
        (layouts.DEKLAR, "01-43", 452, 466), (layouts.DEKLAR, "01-33", 467, 470), (layouts.DEKLAR, "01-82", 576, 590),
        (layouts.POKUPKI, "03-04", 26, 40), (layouts.POKUPKI, "03-30", 168, 182), (layouts.POKUPKI, "03-45", 273, 274),
        (layouts.PRODAGBI, "02-07", 73, 87), (layouts.PRODAGBI, "02-26", 243, 257), (layouts.PRODAGBI, "02-15", 333, 347),
        (layouts.PRODAGBI, "02-25", 408, 422), (layouts.VDR, "VDR-07", 373, 373), (layouts.VIR, "VIR-07", 60, 66),
    ],
)  # fmt: skip
def test_fields_sit_where_the_tables_put_them(layout, code, start, end):
    positions = {f.code: (s + 1, e) for f, s, e in layout.slices()}
    assert positions[code] == (start, end)


# --- the golden month -------------------------------------------------------------------------


def test_the_month_gives_the_hand_written_files_byte_for_byte():
    files, _ = generate()
    assert sorted(files) == sorted(FILES)
    for name in FILES:
        assert files[name] == (GOLDEN / name).read_bytes(), name


def test_ledgers_messages_give_the_same_files_as_the_entries_they_mirror():
    """The service hands ledger's VatLedgerEntry messages to the writers as they arrive (no copy
    per entry), so they must have VatEntry's fields and read exactly as VatEntry does."""
    assert [f.name for f in ledger_pb2.VatLedgerEntry.DESCRIPTOR.fields] == [f.name for f in dataclasses.fields(VatEntry)]
    messages = [ledger_pb2.VatLedgerEntry(**dataclasses.asdict(e)) for e in ENTRIES]
    assert generate(messages, choices=CHOICES)[0] == generate()[0]


def test_the_golden_files_match_their_field_lists():
    from tests.data.vat.assemble import assemble  # the hand-written field lists are the source

    for name in FILES:
        assert assemble(GOLDEN / name.replace(".TXT", ".fields")) == (GOLDEN / name).read_bytes(), name


def test_every_record_has_its_width_and_ends_as_the_layout_says():
    files, _ = generate()
    for name, layout in (("DEKLAR.TXT", layouts.DEKLAR), ("POKUPKI.TXT", layouts.POKUPKI), ("PRODAGBI.TXT", layouts.PRODAGBI)):
        data = files[name]
        assert data.endswith(b"\r\n")
        lines = data[:-2].split(b"\r\n")
        assert all(len(line) == layout.width for line in lines), name  # cp1251: one byte a character
    vies = files["VIES.TXT"]
    assert not vies.endswith(b"\r\n")  # CR LF between records only
    assert [len(line) for line in vies.split(b"\r\n")] == [15, 373, 368, 27, 66, 66, 66, 8]


def test_the_files_pass_the_parser_and_the_cells_add_up():
    files, result = generate()
    report = check_files(files)
    assert report.problems == []
    assert result.cells["01-01"] == "8250.00" and result.cells["01-40"] == "270.00"
    assert (result.sales_count, result.purchase_count, result.vies_count) == (9, 4, 3)


def test_texts_are_transliterated_cut_and_encoded_in_windows_1251():
    files, _ = generate()
    sales = files["PRODAGBI.TXT"].decode("cp1251")
    assert "Mueller Maschinenbau GmbH" in sales and "Societe Conseil SARL" in sales
    assert "Сдружение на производителите на биологични храни и" + "Наем на жилище" in sales  # cut at 50
    assert clean_text("Søren Ærø\tŁódź\r\nStraße") == "Soren AEro Lodz Strasse"
    with pytest.raises(Unwritable):
        clean_text("北京贸易")


def test_the_same_entries_and_choices_give_the_same_bytes():
    assert generate()[0] == generate()[0]


# --- the return's formulas --------------------------------------------------------------------


def sale(number, base, vat, day="10", **kw):
    return entry(number, day, sales="2-11", base=base, vat=vat, **{**bg("Клиент ООД", "BG111111111"), **kw})


def purchase(number, base, vat, day="11", operation="1-10-1", **kw):
    return entry(number, day, purchase=operation, base=base, vat=vat, **{**bg("Доставчик ЕООД", "BG175074752"), **kw})


def test_vat_payable_goes_to_01_50():
    files, result = generate([sale("1", "1000.00", "200.00"), purchase("2", "300.00", "60.00")], choices=Choices(paid=Decimal("140.00")))
    assert (result.cells["01-20"], result.cells["01-40"], result.cells["01-50"], result.cells["01-60"]) == (
        "200.00",
        "60.00",
        "140.00",
        "0.00",
    )
    assert cell(files["DEKLAR.TXT"], "01-71") == "         140.00"
    assert check_files(files).problems == []


def test_vat_refundable_goes_to_01_60_as_a_positive_amount():
    files, result = generate(
        [sale("1", "100.00", "20.00"), purchase("2", "1000.00", "200.00")], choices=Choices(refund_art92_3=Decimal("180.00"))
    )
    assert (result.cells["01-50"], result.cells["01-60"], result.cells["01-81"]) == ("0.00", "180.00", "180.00")
    assert cell(files["DEKLAR.TXT"], "01-60") == "         180.00"
    assert check_files(files).problems == []


def test_the_filers_choices_cannot_exceed_what_is_payable_or_refundable():
    with pytest.raises(ValidationFailed) as failed:
        generate([sale("1", "100.00", "20.00")], choices=Choices(paid=Decimal("20.01"), refund_art92_1=Decimal("1.00")))
    fields = {p.field for p in failed.value.problems}
    assert fields == {"cells 01-70 + 01-71", "cells 01-80 + 01-81 + 01-82"}


def test_partial_credit_needs_the_coefficient():
    with pytest.raises(ValidationFailed) as failed:
        generate([purchase("1", "100.00", "20.00", operation="1-12-1")])
    assert [p.field for p in failed.value.problems] == ["coefficient"]
    _, result = generate([purchase("1", "100.00", "20.00", operation="1-12-1")], choices=Choices(coefficient=Decimal("0.33")))
    assert (result.cells["01-33"], result.cells["01-40"], result.cells["01-60"]) == ("0.33", "6.60", "6.60")  # 20 x 0.33


def test_cash_accounting_documents_are_listed_but_not_summed():
    files, result = generate([sale("1", "100.00", "20.00", kind="11"), sale("2", "50.00", "10.00")])
    assert result.sales_count == 2 and result.cells["00-05"] == "2"
    assert (result.cells["01-11"], result.cells["01-21"]) == ("50.00", "10.00")
    assert check_files(files).problems == []


# --- the cell rules decided against the production writers (tests/data/vat/README.md) ----------


def test_01_30_adds_goods_bought_from_a_triangular_intermediary():
    """Σ03-30 + Σ03-44: NAV's dated fix and skladnik. It was 120.00 with the 1-15 purchase left out."""
    files, result = generate([purchase("1", "100.00", "20.00", operation="1-09-1"), purchase("2", "1000.00", "0.00", operation="1-15")])
    assert result.cells["01-30"] == "1120.00"
    assert check_files(files).problems == []


def test_purchase_protocols_of_type_94_are_listed_but_not_summed():
    files, result = generate([purchase("1", "100.00", "20.00", kind="94"), purchase("2", "50.00", "10.00")])
    assert result.cells["00-06"] == "2" and (result.cells["01-31"], result.cells["01-41"]) == ("50.00", "10.00")
    assert check_files(files).problems == []
    _, result = generate([sale("1", "100.00", "20.00", kind="94")])  # the seller's 94 is declared
    assert result.cells["01-21"] == "20.00"


def test_a_customer_whose_supplies_net_to_zero_gets_no_vies_line():
    at, de = eu("Alpen Handel GmbH", "AT", "ATU12345678"), eu("Kunde GmbH", "DE", "DE123456789")
    cancelled = [entry("1", "10", sales="2-20", base="1000.00", **at), entry("2", "12", "03", sales="2-20", base="-1000.00", **at)]
    files, result = generate([*cancelled, entry("3", "14", sales="2-20", base="500.00", **de)])
    vir = [line for line in files["VIES.TXT"].decode("cp1251").split("\r\n") if line.startswith("VIR")]
    assert [line[8:23].strip() for line in vir] == ["DE123456789"] and result.vies_count == 1
    assert check_files(files).problems == []
    files, result = generate(cancelled)  # nothing left to declare: no VIES.TXT
    assert "VIES.TXT" not in files and result.vies_count == 0
    assert check_files(files).problems == []


def test_protocol_numbers_are_written_as_numbered_invoice_numbers_zero_padded():
    files, _ = generate(
        [sale("17", "100.00", "20.00", kind="09"), sale("18", "100.00", "20.00"), sale("МРН-5", "10.00", "2.00", kind="07")]
    )
    numbers = [line[42:62] for line in files["PRODAGBI.TXT"].decode("cp1251").split("\r\n")[:-1]]
    assert numbers == ["0000000018".ljust(20), "МРН-5".ljust(20), "17".ljust(20)]  # types 01, 07, 09
    assert check_files(files).problems == []


# --- the euro ---------------------------------------------------------------------------------


def test_periods_to_december_2025_are_in_leva():
    _, result = generate(
        [dataclasses.replace(sale("1", "1955.83", "391.17"), document_date="2025-12-10", vat_date="2025-12-10")], period="202512"
    )
    assert result.currency == "BGN" and result.notes == []
    assert (result.cells["01-11"], result.cells["01-21"]) == ("1955.83", "391.17")


def test_from_january_2026_amounts_are_in_euro_and_leva_are_converted_at_the_fixed_rate():
    in_leva = dataclasses.replace(sale("1", "1955.83", "391.17"), document_date="2026-01-10", vat_date="2026-01-10")
    in_euro = dataclasses.replace(sale("2", "100.00", "20.00"), document_date="2026-01-12", vat_date="2026-01-12", currency="EUR")
    files, result = generate([in_leva, in_euro], period="202601")
    assert result.currency == "EUR"
    # 1955.83 / 1.95583 = 1000.00; 391.17 / 1.95583 = 200.0017... -> 200.00, rounded per line
    assert (result.cells["01-11"], result.cells["01-21"]) == ("1100.00", "220.00")
    assert result.notes == ["1 entries booked in BGN converted to EUR at the fixed rate 1.95583 BGN per EUR"]
    assert files["PRODAGBI.TXT"].decode("cp1251").splitlines()[0][15:21] == "202601"
    assert check_files(files).problems == []


# --- validation ---------------------------------------------------------------------------------


def test_all_problems_are_reported_together_each_naming_the_entry():
    bad = [
        sale("1", "100.00", "20.00", counterpart_vat_number="", counterpart_country=""),  # no counterparty id
        dataclasses.replace(sale("2", "100.00", "20.00"), document_type="42"),  # unknown document type
        dataclasses.replace(sale("3", "100.00", "20.00"), sales_operation="2-99"),  # maps to no column
        sale("4", "100.00", "-20.00", kind="09"),  # mixes signs
        sale("5", "1000000000000.00", "0.00"),  # too wide for 15 characters
        sale("6", "100.00", "20.00", counterpart_name="北京贸易有限公司"),  # not windows-1251
        sale("8", "100.00", "20.00", counterpart_vat_number="BG12"),  # malformed VAT number
        sale("9", "100.00", "20.00"),  # fine
        entry("7", "12", sales="2-20", base="100.00", **bg("Клиент ООД", "BG111111111")),  # ВОД to a BG customer
    ]
    with pytest.raises(ValidationFailed) as failed:
        generate(bad)
    problems = {p.subject: p for p in failed.value.problems}
    assert len(failed.value.problems) == 8
    expected = {
        "1": "counterparty id", "2": "document_type", "3": "sales_operation", "4": "amounts",
        "5": "PRODAGBI.TXT field 02-10", "6": "counterpart_name", "7": "counterpart_vat_number", "8": "counterpart_vat_number",
    }  # fmt: skip
    for number, field in expected.items():
        kind = {"2": "42", "4": "09"}.get(number, "01")
        problem = problems[f"document {kind} {number} of 2025-11-{'12' if number == '7' else '10'}"]
        assert problem.field == field, problem
        assert problem.entry_id == f"e-{number}", problem  # the entry by its id, for a link


def test_a_credit_note_with_positive_amounts_is_a_problem():
    with pytest.raises(ValidationFailed) as failed:
        generate([sale("1", "100.00", "20.00", kind="03")])
    assert [(p.subject, p.field) for p in failed.value.problems] == [("document 03 1 of 2025-11-10", "amounts")]


def test_an_empty_period_gives_empty_ledgers_and_a_return_of_zeros():
    files, result = generate([])
    assert files["POKUPKI.TXT"] == b"" and files["PRODAGBI.TXT"] == b"" and "VIES.TXT" not in files
    deklar = files["DEKLAR.TXT"].decode("cp1251")
    assert len(deklar) == 592 and deklar.endswith("\r\n")
    assert cell(files["DEKLAR.TXT"], "00-05") == "0".rjust(15) and cell(files["DEKLAR.TXT"], "01-33") == "0.00"
    assert {v for k, v in result.cells.items() if k.startswith("01-")} == {"0.00"}
    assert check_files(files).problems == []


def test_entries_must_arrive_in_document_date_order():
    later, earlier = sale("1", "10.00", "2.00", day="12"), sale("2", "10.00", "2.00", day="11")
    with pytest.raises(ValidationFailed) as failed:
        generate([later, earlier])
    assert [p.field for p in failed.value.problems] == ["document_date"]


def test_an_entry_in_both_ledgers_is_written_to_both():
    both = VatEntry(
        document_type="09", document_number="П-17", document_date="2025-11-05", vat_date="2025-11-05",
        sales_operation="2-13", purchase_operation="1-10-2", tax_base="1000.00", vat_amount="200.00", currency="BGN",
        counterpart_name="Lieferant GmbH", counterpart_country="DE", counterpart_vat_number="DE999999999",
    )  # fmt: skip
    files, result = generate([both])
    assert (result.cells["01-12"], result.cells["01-22"], result.cells["01-31"], result.cells["01-41"]) == (
        "1000.00",
        "200.00",
        "1000.00",
        "200.00",
    )
    assert (result.cells["01-50"], result.cells["01-60"]) == ("0.00", "0.00")
    assert check_files(files).problems == []


# --- the fast path ------------------------------------------------------------------------------


def varied_month() -> list[VatEntry]:
    """Every kind of entry the plans take or hand to the complete path, several times each."""
    kinds = [
        dict(sales="2-11", base="100.00", vat="20.00", **bg("Клиент ООД", "BG111111111")),
        dict(kind="03", sales="2-11", base="-10.00", vat="-2.00", **bg("Клиент ООД", "BG111111111")),
        dict(sales="2-20", base="300.00", **eu("Müller GmbH", "DE", "DE123456789")),  # the name is transliterated once
        dict(sales="2-22", base="50.00", **eu("Société SARL", "FR", "FR12345678901")),
        dict(sales="2-25", base="70.00", **eu("Alpen GmbH", "AT", "ATU12345678")),
        dict(sales="2-16", base="0.00", vat="4.00", **bg("Клиент ООД", "BG111111111")),
        {"kind": "81", "sales": "2-11", "base": "500.00", "vat": "100.00"},
        dict(kind="09", sales="2-13", purchase="1-10-2", base="1000.00", vat="200.00", **eu("Lieferant GmbH", "DE", "DE999999999")),
        dict(purchase="1-09-1", base="100.00", vat="20.00", **bg("Ресторант ООД", "BG555555555")),
        dict(purchase="1-10-1", base="200.00", vat="40.00", **bg("Доставчик ЕООД", "BG175074752")),
        dict(kind="94", purchase="1-10-1", base="30.00", vat="6.00", **bg("Доставчик ЕООД", "BG175074752")),
        dict(kind="09", purchase="1-14", base="0.00", vat="-3.00", **bg("Доставчик ЕООД", "BG175074752")),
        dict(purchase="1-15", base="400.00", **eu("Zwischen GmbH", "DE", "DE111111111")),
        dict(sales="2-11", base="100.00", vat="20.00", description="две  интервала", **bg("Клиент ООД", "BG111111111")),  # cleaned
        dict(sales="2-11", base="100.00", vat="20.00", currency="", **bg("Клиент ООД", "BG111111111")),
    ]
    out = []
    for day in range(1, 29):
        for i, kw in enumerate(kinds):
            kw = dict(kw)
            kind = kw.pop("kind", "01")
            description = kw.pop("description", f"Стоки {day}-{i}")
            currency = kw.pop("currency", "BGN")
            number = str(day * 100 + i) if kind in ("01", "03") else f"П-{day}/{i}"
            out.append(dataclasses.replace(entry(number, f"{day:02d}", kind, description=description, **kw), currency=currency))
    return out


def test_the_fast_path_writes_what_the_complete_path_writes():
    choices = Choices(coefficient=Decimal("0.50"))
    for month in (ENTRIES, varied_month()):
        fast, fast_result = generate_files(PERIOD, COMPANY, choices, month)
        slow, slow_result = generate_files(PERIOD, COMPANY, choices, month, fast=False)
        assert fast == slow and fast_result == slow_result
        assert check_files(fast).problems == []


def test_the_fast_path_reports_what_the_complete_path_reports():
    bad = [*varied_month()[:20], sale("1", "100.00", "-20.00", kind="09"), sale("2", "1000000000000.00", "0.00"),
           dataclasses.replace(sale("3", "1.00", "0.20"), vat_date="2025-10-31")]  # fmt: skip
    reports = []
    for fast in (True, False):
        with pytest.raises(ValidationFailed) as failed:
            generate_files(PERIOD, COMPANY, Choices(), bad, fast=fast)
        reports.append(failed.value.problems)
    assert reports[0] == reports[1] and len(reports[0]) == 3


def test_a_batch_is_checked_a_column_at_a_time_as_the_complete_path_checks_each_entry():
    """Each batch holds entries of every kind and one whose text or amounts the plans cannot
    vouch for: the column that fails its check as a whole is checked value by value, and only
    that entry takes the complete path, which cleans, pads, converts or reports it."""
    day = [e for e in varied_month()[:15] if "  " not in e.description]  # one clean entry of each kind
    sale, credit_note = day[0], day[1]  # in the sales ledger, 2-11: an invoice and a credit note

    def batches(changes: list[dict]) -> list[list[VatEntry]]:
        odd = [
            dataclasses.replace(
                credit_note if kw.pop("credit", False) else sale, **{"entry_id": f"odd-{i}", "document_number": str(900 + i), **kw}
            )
            for i, kw in enumerate(changes)
        ]
        return [[e, *day] for e in odd] + [[*day, e] for e in odd]  # first and last of a batch

    def built(batches: list[list[VatEntry]], fast: bool):
        sales, purchases = io.BytesIO(), io.BytesIO()
        builder = ReturnBuilder(PERIOD, COMPANY, Choices(), sales, purchases, fast=fast)
        for batch in batches:
            builder.add_columns(Columns(batch))
        return builder.finish(), sales.getvalue(), purchases.getvalue()

    written = batches([
        {"description": " leading"}, {"description": "trailing "}, {"description": "two  spaces"}, {"description": "tab\there"},
        {"description": "line\nbreak"}, {"description": "nbsp\xa0here"}, {"description": "soft\xadhyphen"},
        {"description": "Müller"}, {"description": ""}, {"description": "%s %d %%"}, {"document_number": " 123"},
        {"document_number": "123 "}, {"document_number": "0000000000123"}, {"tax_base": "01.00", "vat_amount": "0.20"},
        {"tax_base": "100.5"},
        {"tax_base": "123456789012.00", "vat_amount": "0.00"}, {"vat_amount": "20"}, {"tax_base": "1e3"}, {"currency": ""},
        {"credit": True, "tax_base": "-0.00"}, {"credit": True, "vat_amount": "-0.00"},
    ])  # fmt: skip
    assert built(written, fast=True) == built(written, fast=False)

    refused = batches([
        {"description": "Ελληνικά"}, {"document_number": "П-1"}, {"document_number": ""}, {"document_number": "1" * 21},
        {"tax_base": "1234567890123.00"}, {"currency": "USD"}, {"vat_date": "2025-12-01"},
        {"tax_base": "-100.00", "vat_amount": "-20.00"},
    ])  # fmt: skip
    reports = []
    for fast in (True, False):
        with pytest.raises(ValidationFailed) as failed:
            built(refused, fast)
        reports.append(failed.value.problems)
    assert reports[0] == reports[1]
    assert {p.entry_id for p in reports[0]} == {batch[0].entry_id for batch in refused[: len(refused) // 2]}


def test_a_month_of_repeated_kinds_takes_the_fast_path():
    import io

    from services.vat.builder import ReturnBuilder

    builder = ReturnBuilder(PERIOD, COMPANY, Choices(coefficient=Decimal("0.50")), io.BytesIO(), io.BytesIO())
    month = varied_month()
    builder.add_all(month)
    builder.finish()
    planned = sum(side.count for plan in builder._plans.values() if plan is not None for side in plan.sides)
    by_complete_path = 28  # a description with two spaces a day, cleaned there
    second_records = 28  # the 09 protocol of each day is in both ledgers
    assert planned == len(month) - by_complete_path + second_records
