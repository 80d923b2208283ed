"""The checker (POST /api/vat/check) on files written by other programs: the golden month
rewritten in their styles, and damaged fields that must be reported once, where they are."""

from collections import Counter
from pathlib import Path

from services.vat.parser import ERROR, WARNING, check_files
from tests.support.vat_scenario import PERIOD

GOLDEN = Path(__file__).parents[1] / "data" / "vat" / PERIOD
FILES = ("DEKLAR.TXT", "POKUPKI.TXT", "PRODAGBI.TXT", "VIES.TXT")
WIDTHS = {"PRODAGBI.TXT": 424, "POKUPKI.TXT": 274, "DEKLAR.TXT": 590}


def golden() -> dict[str, bytes]:
    return {name: (GOLDEN / name).read_bytes() for name in FILES}


def records(data: bytes) -> list[str]:
    text = data.decode("cp1251")
    return (text[:-2] if text.endswith("\r\n") else text).split("\r\n")


def joined(lines: list[str], final_crlf: bool) -> bytes:
    return ("\r\n".join(lines) + ("\r\n" if final_crlf else "")).encode("cp1251")


def put(line: str, start: int, text: str) -> str:
    """`text` over the line from the 1-based column `start`."""
    return line[: start - 1] + text + line[start - 1 + len(text) :]


def damage(data: bytes, record: int, start: int, text: str, width: int = 424) -> bytes:
    """Overwrites characters of one record (1-based record, 1-based column)."""
    offset = (record - 1) * (width + 2) + start - 1
    return data[:offset] + text.encode("cp1251") + data[offset + len(text) :]


def where(report) -> set[tuple]:
    return {(p.file, p.record, p.field, p.severity) for p in report.problems}


def assert_each_once(report) -> None:
    twice = [p for p, n in Counter(report.problems).items() if n > 1]
    assert twice == [], twice
    places = Counter((p.file, p.record, p.field) for p in report.problems)
    assert [place for place, n in places.items() if n > 1] == []


# --- other programs' styles: at most warnings, each once ----------------------------------------


def vies_without_chr(files: dict[str, bytes], final_crlf: bool) -> bytes:
    lines = records(files["VIES.TXT"])
    assert lines[-1] == "CHR    0"
    return joined(lines[:-1], final_crlf)


def test_a_vies_file_without_chr_is_read_whole_with_one_warning():
    """NAV and Odoo write no CHR, nor does TEMPO without call-off stock. The last VIR is a VIR:
    no false count, sum or 'VIR-06 0.00 vs PRODAGBI 800.00'."""
    for final_crlf in (False, True):
        files = golden()
        files["VIES.TXT"] = vies_without_chr(files, final_crlf)
        report = check_files(files)
        assert [(p.file, p.record, p.field, p.severity) for p in report.problems] == [("VIES.TXT", 0, "", WARNING)]
        assert report.ok and report.files["VIES.TXT"].count == 3


def test_nav_style_vir_07_on_every_line_and_a_final_crlf():
    files = golden()
    lines = records(files["VIES.TXT"])[:-1]  # no CHR either
    lines = [put(line, 60, "11/2025") if line.startswith("VIR") else line for line in lines]
    files["VIES.TXT"] = joined(lines, final_crlf=True)
    report = check_files(files)
    assert where(report) == {("VIES.TXT", 0, "", WARNING)}
    assert report.files["VIES.TXT"].vies["FR12345678901"][2] == 800  # still this period's line, still compared


def test_odoo_style_capacity_five_wide_and_ledgers_without_a_final_crlf():
    files = golden()
    lines = records(files["VIES.TXT"])[:-1]
    assert lines[1].startswith("VDR") and lines[1].endswith("R")
    lines[1] = lines[1][:-1] + "    R"
    files["VIES.TXT"] = joined(lines, final_crlf=True)
    for name in ("PRODAGBI.TXT", "POKUPKI.TXT", "DEKLAR.TXT"):
        files[name] = files[name][:-2]
    report = check_files(files)
    assert where(report) == {("VIES.TXT", 2, "VDR-07", WARNING), ("VIES.TXT", 0, "", WARNING)}
    assert_each_once(report)


def test_tempo_style_left_aligned_sequence_numbers_and_branch_zero():
    """13 left-aligned sequence numbers once gave 22 further errors; now 13 warnings, at the fields."""
    files = golden()
    for name, seq_at, branch_at in (("PRODAGBI.TXT", 26, 22), ("POKUPKI.TXT", 26, 22)):
        lines = records(files[name])
        lines = [put(put(line, seq_at, str(n).ljust(15)), branch_at, "0   ") for n, line in enumerate(lines, 1)]
        files[name] = joined(lines, final_crlf=True)
    files["VIES.TXT"] = vies_without_chr(files, final_crlf=False)
    report = check_files(files)
    assert report.ok
    assert {p.severity for p in report.problems} == {WARNING}
    fields = Counter((p.file, p.field) for p in report.problems)
    assert fields == {("PRODAGBI.TXT", "02-03"): 9, ("PRODAGBI.TXT", "02-02"): 9, ("POKUPKI.TXT", "03-04"): 4,
                      ("POKUPKI.TXT", "03-03"): 4, ("VIES.TXT", ""): 1}  # fmt: skip
    assert_each_once(report)


def test_a_branch_left_blank_is_no_problem():
    files = golden()
    files["PRODAGBI.TXT"] = joined([put(line, 22, "    ") for line in records(files["PRODAGBI.TXT"])], final_crlf=True)
    assert check_files(files).problems == []


# --- one bad field is one problem ----------------------------------------------------------------


def test_a_bad_field_is_reported_at_itself_and_the_rest_of_its_record_is_still_read():
    files = golden()
    files["PRODAGBI.TXT"] = damage(files["PRODAGBI.TXT"], 1, 198, "   1000,00")  # 02-11, decimal comma
    files["PRODAGBI.TXT"] = damage(files["PRODAGBI.TXT"], 1, 63, "31/02/2025")  # 02-06 of the same record
    report = check_files(files)
    # Neither 02-10 = Σ parts, nor DEKLAR 01-11 against Σ02-11 can be checked without the value:
    # no cascade. 01-01 against Σ02-10 still is, and holds.
    assert where(report) == {("PRODAGBI.TXT", 1, "02-11", ERROR), ("PRODAGBI.TXT", 1, "02-06", ERROR)}
    assert not report.ok


def test_an_unreadable_document_type_does_not_cascade_into_the_return():
    files = golden()
    files["POKUPKI.TXT"] = damage(files["POKUPKI.TXT"], 3, 41, "99", width=274)  # 03-05, unknown type
    report = check_files(files)
    assert where(report) == {("POKUPKI.TXT", 3, "03-05", ERROR)}


def test_a_record_of_the_wrong_width_is_one_problem():
    files = golden()
    lines = records(files["PRODAGBI.TXT"])
    lines[3] = lines[3][:-1]
    files["PRODAGBI.TXT"] = joined(lines, final_crlf=True)
    report = check_files(files)
    assert where(report) == {("PRODAGBI.TXT", 4, "", ERROR)}


def test_a_bad_vir_amount_does_not_cascade_into_the_totals():
    files = golden()
    lines = records(files["VIES.TXT"])
    vir = next(i for i, line in enumerate(lines) if line.startswith("VIR"))
    lines[vir] = put(lines[vir], 24, "  1 200.00  ")
    files["VIES.TXT"] = joined(lines, final_crlf=False)
    report = check_files(files)
    assert where(report) == {("VIES.TXT", vir + 1, "VIR-04", ERROR)}


def test_the_parser_checks_widths_and_line_ends():
    files = golden()
    files["POKUPKI.TXT"] = files["POKUPKI.TXT"].replace(b"\r\n", b"\n", 1)
    files["DEKLAR.TXT"] = files["DEKLAR.TXT"][:-3] + b"\r\n"  # one character short
    messages = [str(p) for p in check_files(files).problems]
    assert any("POKUPKI.TXT record 1: records must be separated by CR LF" in m for m in messages), messages
    assert any("DEKLAR.TXT record 1: DEKLAR record is 589 characters, the layout has 590" in m for m in messages), messages


def test_the_parser_checks_the_return_against_its_ledgers_and_vies_against_sales():
    files = golden()
    files["DEKLAR.TXT"] = damage(files["DEKLAR.TXT"], 1, 182, "        1250.01", width=590)  # 01-11
    files["VIES.TXT"] = files["VIES.TXT"].replace(b"     2500.00", b"     2500.10")  # DE goods
    report = check_files(files)
    found = {(p.file, p.field, p.severity) for p in report.problems}
    assert ("DEKLAR.TXT", "01-11", ERROR) in found  # 1250.01 is not Σ02-11
    assert ("DEKLAR.TXT", "01-01", ERROR) in found  # nor does 01-01 add up any more
    assert ("VIES.TXT", "VIR-04", ERROR) in found  # DE line differs from PRODAGBI
    assert ("VIES.TXT", "TTR-02", ERROR) in found  # and the totals no longer match the lines
    assert_each_once(report)


def test_the_parser_sees_a_missing_vies_file():
    files = golden()
    del files["VIES.TXT"]
    assert [(p.file, p.severity) for p in check_files(files).problems] == [("VIES.TXT", ERROR)]


def test_order_by_date_is_an_error_order_within_a_day_a_warning():
    files = golden()
    lines = records(files["PRODAGBI.TXT"])
    days = [line[62:72] for line in lines]
    same_day = next(i for i in range(1, len(lines)) if days[i] == days[i - 1])  # 20/11: types 01 and 03
    swapped = lines[:]
    swapped[same_day - 1], swapped[same_day] = swapped[same_day], swapped[same_day - 1]
    swapped = [put(line, 26, str(n).rjust(15)) for n, line in enumerate(swapped, 1)]
    files["PRODAGBI.TXT"] = joined(swapped, final_crlf=True)
    assert where(check_files(files)) == {("PRODAGBI.TXT", same_day + 1, "02-04", WARNING)}
    files = golden()
    swapped = lines[:]
    swapped[0], swapped[1] = swapped[1], swapped[0]
    swapped = [put(line, 26, str(n).rjust(15)) for n, line in enumerate(swapped, 1)]
    files["PRODAGBI.TXT"] = joined(swapped, final_crlf=True)
    assert where(check_files(files)) == {("PRODAGBI.TXT", 2, "02-06", ERROR)}


def test_a_different_vat_number_is_reported_once_at_the_ledger():
    files = golden()
    files["POKUPKI.TXT"] = joined([put(line, 1, "BG987654321    ") for line in records(files["POKUPKI.TXT"])], final_crlf=True)
    assert where(check_files(files)) == {("POKUPKI.TXT", 1, "03-02", ERROR)}
