"""Recognition over the evaluation corpus (tests/support/invoice_corpus), without the mesh: accuracy per
field over text PDFs of every family and a handful of 300 dpi scans, with thresholds a little
under the measured figures (README, "How accurate"), and the layouts that used to fail, by name.
The full corpus, with 200 dpi scans, is bench/scanner_recognition.py."""

import asyncio
from dataclasses import dataclass, replace
from decimal import Decimal

import pytest

from services.scanner import reading
from services.scanner.extraction import REVIEW_BELOW, extract
from tests.support.invoice_corpus import FAMILIES, corpus, invoice, scan, text_pdf, tuning
from tests.support.invoice_corpus.model import Invoice
from tests.support.invoice_corpus.scoring import Score, item_right, recognise

TEXT_SAMPLE = corpus("all", seeds=range(0, 20, 5))  # 4 seeds × 11 families, tuned and held out
SCAN_SAMPLE = [invoice("letterhead", 2), invoice("recipient_left", 5), invoice("english_first", 1), invoice("classic", 16)]


def test_text_pdfs_of_every_family_are_read_within_the_measured_accuracy():
    score = Score()
    for inv in TEXT_SAMPLE:
        score.add(inv, recognise(text_pdf(inv), inv))
    assert {name: score.field(name) for name in score.seen if score.field(name) < 0.99} == {}
    assert score.fields() >= 0.995 and score.items() >= 0.99
    assert score.sure_but_wrong == []


def test_300_dpi_scans_are_read_within_the_measured_accuracy():
    score = Score()
    for inv in SCAN_SAMPLE:
        result = recognise(scan(inv, 300), inv)
        assert result.source == "ocr"
        score.add(inv, result)
    assert score.fields() >= 0.9
    assert score.items() >= 0.8  # 16 of their 18 lines measured right
    assert score.sure_but_wrong == []  # a misread is flagged, never trusted


@pytest.mark.parametrize(("family", "label"), [("issuer_multipage", "Издател:"), ("letterhead", "Издател")])
def test_izdatel_heads_the_supplier(family, label):
    inv = invoice(family, 3)
    result = recognise(text_pdf(inv), inv)
    text = asyncio.run(reading.read(text_pdf(inv))).text
    assert label in text and not any(other in text for other in ("Доставчик", "Продавач", "Изпълнител"))
    assert (result.value("supplier_name"), result.value("supplier_eik")) == (inv.supplier.name, inv.supplier.eik)
    assert (result.value("recipient_name"), result.value("recipient_eik")) == (inv.recipient.name, inv.recipient.eik)


def test_two_columns_with_the_recipient_on_the_left():
    inv = invoice("recipient_left", 4)
    result = recognise(text_pdf(inv), inv)
    supplier, recipient = result.fields["supplier_name"], result.fields["recipient_name"]
    assert (supplier.value, recipient.value) == (inv.supplier.name, inv.recipient.name)
    assert recipient.box[0] < 0.5 < supplier.box[0]  # the columns were told apart, not read across
    assert result.value("supplier_vat_number") == inv.supplier.vat and result.value("recipient_eik") == inv.recipient.eik


@pytest.mark.parametrize(
    ("family", "eik_label", "vat_label"),
    [
        ("classic", "ЕИК:", "ДДС №:"),
        ("stacked", "ЕИК/БУЛСТАТ:", "ИН по ЗДДС:"),
        ("boxed", "ЕИК", "Идент. № по ЗДДС"),
        ("label_column", "Булстат:", "ДДС номер:"),
        ("letterhead", "ЕИК по БУЛСТАТ:", "ДДС №:"),
        ("english_first", "Reg. No / ЕИК:", "VAT No:"),
        ("dense_multipage", "Булстат:", "ДДС №:"),
    ],
)
def test_identifier_label_variants(family, eik_label, vat_label):
    inv = next(i for i in corpus("all", [family]) if i.supplier.vat and i.recipient.vat)
    result = recognise(text_pdf(inv), inv)
    assert eik_label in result.fields["supplier_eik"].text and vat_label in result.fields["supplier_vat_number"].text
    for role, party in (("supplier", inv.supplier), ("recipient", inv.recipient)):
        assert (result.value(f"{role}_eik"), result.value(f"{role}_vat_number")) == (party.eik, party.vat)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_line_items_sum_to_the_tax_base(family):
    inv = invoice(family, 7)
    result = recognise(text_pdf(inv), inv)
    assert len(result.line_items) == len(inv.items)
    assert all(item_right(got, want) for got, want in zip(result.line_items, inv.items, strict=True))
    assert sum(Decimal(i.amount) for i in result.line_items) == Decimal(result.value("tax_base")) == inv.tax_base
    assert not [r for r in result.review_reasons if "line items" in r]


def test_lines_on_two_pages_are_one_table():
    inv = next(i for i in corpus("all", ["dense_multipage"]) if len(i.items) > 50)
    result = recognise(text_pdf(inv), inv)
    assert result.pages == 2 and {i.page for i in result.line_items} == {1, 2}
    assert len(result.line_items) == len(inv.items)


@dataclass(frozen=True)
class MissingLine(Invoice):
    """An invoice whose table lacks a line its totals include (a page lost, a line misread)."""

    printed_base: Decimal = Decimal("0")

    @property
    def tax_base(self) -> Decimal:
        return self.printed_base


def test_lines_that_do_not_add_up_to_the_base_are_flagged():
    inv = next(i for i in corpus("all", ["classic"]) if len(i.items) >= 3)
    short = MissingLine(**{**inv.__dict__, "items": inv.items[:-1]}, printed_base=inv.tax_base)
    result = extract(asyncio.run(reading.read(tuning.classic(short))), inv.company.eik, inv.company.vat)
    assert len(result.line_items) == len(inv.items) - 1
    assert result.value("tax_base") == str(inv.tax_base)  # the printed base stands
    assert all(item.confidence < REVIEW_BELOW for item in result.line_items)
    assert any("line items add up to" in r for r in result.review_reasons)
    assert result.fields["tax_base"].confidence < 0.9


def test_the_company_on_both_sides_is_not_trusted():
    inv = invoice("classic", 2)
    same = replace(inv, recipient=replace(inv.recipient, eik=inv.supplier.eik, vat_registered=inv.supplier.vat_registered))
    result = recognise(tuning.classic(same), replace(same, company=inv.supplier))
    assert result.fields["supplier_eik"].confidence < REVIEW_BELOW and result.fields["recipient_eik"].confidence < REVIEW_BELOW
