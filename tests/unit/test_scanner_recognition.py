"""Recognition without the mesh: generated Bulgarian invoices read from their text layer and,
rendered to images, by Tesseract; the booking rules; uploads; the Azure protocol against a
local stand-in."""

import asyncio
import io
from decimal import Decimal

import pytest

from services.kernel.errors import FailedPrecondition, InvalidArgument
from services.scanner import azure, booking, line_items, reading
from services.scanner.bgids import iban_checksum_ok, is_valid_eik
from services.scanner.extraction import direction, extract
from services.scanner.uploads import files_of
from tests.support.azure_standin import ALLOWED_HOSTS, KEY, AzureStandIn, running_azure_standin
from tests.support.scanner_invoices import ALFA, empty_pdf, render_image, render_pdf, sample_invoices, scanned_pdf

INVOICES = sample_invoices()
IDS = [f"{i.layout}-{i.doc_type}-{i.number}" for i in INVOICES]
# What OCR must get right on every generated page: the fields a booking depends on.
OCR_EXACT = ("document_type", "number", "issue_date", "supplier_eik", "supplier_vat_number", "recipient_eik",
             "recipient_vat_number", "tax_base", "vat_rate", "vat_amount", "total", "currency")  # fmt: skip
OCR_MIN_ACCURACY = 0.95  # over all fields of all pages


def recognise(data: bytes):
    return extract(asyncio.run(reading.read(data, line_items.TABLES)))


@pytest.mark.parametrize("inv", INVOICES, ids=IDS)
def test_a_text_pdf_gives_every_field_right(inv):
    result = recognise(render_pdf(inv))
    assert result.source == "text_layer"
    assert {name: result.value(name) for name in inv.truth()} == inv.truth()
    assert result.review_reasons == []
    total = result.fields["total"]
    assert total.page == 1 and total.confidence == 1.0
    assert str(inv.total) in total.text.replace(" ", "").replace(",", ".")


def test_ocr_of_300_dpi_images_reads_the_fields_within_the_stated_accuracy():
    right = checked = 0
    for inv in INVOICES:
        result = recognise(render_image(render_pdf(inv)))
        assert result.source == "ocr"
        for name, want in inv.truth().items():
            got = result.value(name)
            if name in OCR_EXACT:
                assert got == want, f"{inv.number} {name}"
            right += got == want
            checked += 1
    assert right / checked >= OCR_MIN_ACCURACY


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF"])
def test_jpeg_and_tiff_scans_are_read(fmt):
    inv = INVOICES[3]
    result = recognise(render_image(render_pdf(inv), fmt))
    assert (result.value("total"), result.value("supplier_eik")) == (str(inv.total), inv.supplier.eik)


def test_a_pdf_without_a_text_layer_is_read_by_ocr():
    inv = INVOICES[6]
    result = recognise(scanned_pdf(render_pdf(inv)))
    assert result.source == "ocr"
    assert result.value("number") == inv.number and result.value("total") == str(inv.total)
    assert result.fields["total"].confidence < 1.0  # OCR is never certain


def test_the_reading_child_reports_the_cpu_it_used():
    """The child is the fork server's, not ours: only its own report counts its CPU."""
    from prometheus_client import REGISTRY

    def used() -> float:
        return REGISTRY.get_sample_value("baraba_scanner_read_cpu_seconds_total") or 0.0

    data = render_pdf(INVOICES[0])
    asyncio.run(reading.read(data))  # the fork server starts
    before = used()
    asyncio.run(reading.read(data))
    assert 0 < used() - before < 1.0


def test_an_empty_pdf_gives_an_empty_result_with_a_reason():
    result = recognise(empty_pdf())
    assert result.source == "none" and result.fields == {}
    assert "no text" in result.empty_reason


@pytest.mark.parametrize("data", [b"", b"hello world", b"%PDF-1.4\n\x00\x00garbage", b"\x89PNG\r\n\x1a\nbroken", b"\xff\xd8\xff\xe0junk"])
def test_garbage_is_an_invalid_argument_naming_the_file(data):
    with pytest.raises(InvalidArgument) as raised:
        asyncio.run(reading.read(data))
    assert raised.value.violations[0].field == "file"


def test_purchase_or_sale_follows_the_company_side():
    sale = recognise(render_pdf(INVOICES[0]))  # ALFA supplies
    purchase = recognise(render_pdf(INVOICES[5]))  # ALFA receives
    assert direction(sale, ALFA.eik, ALFA.vat) == "SALE"
    assert direction(purchase, ALFA.eik, "") == "PURCHASE"
    assert direction(purchase, "", ALFA.vat) == "PURCHASE"
    assert direction(purchase, "999999999", "") == "UNKNOWN"


def test_a_misread_amount_is_flagged_for_review():
    result = recognise(render_pdf(INVOICES[0]))
    result.fields["total"].value = "1.00"
    from services.scanner import extraction

    extraction._check_amounts(result.fields)
    assert result.fields["total"].confidence < extraction.REVIEW_BELOW


def test_amounts_a_missing_one_was_worked_out_from_are_checked_by_the_rate():
    from services.scanner import extraction

    def without_base(total: str | None = None):
        result = recognise(render_pdf(INVOICES[0]))
        del result.fields["tax_base"]
        if total is not None:
            result.fields["total"].value = total
        extraction._check_amounts(result.fields)
        return result.fields

    read_right = without_base()
    assert read_right["tax_base"].source == "derived"
    assert min(read_right["total"].confidence, read_right["vat_amount"].confidence) >= 0.9
    # The total lost its leading digit (270.72 read as 70.72): the base worked out from it is no
    # base of the VAT at any rate.
    misread = without_base(read_right["total"].value[1:])
    assert misread["total"].confidence < extraction.REVIEW_BELOW
    assert misread["vat_amount"].confidence < extraction.REVIEW_BELOW


def test_check_digits():
    assert all(is_valid_eik(inv.supplier.eik) for inv in INVOICES)
    assert not is_valid_eik("123456788")
    assert iban_checksum_ok(INVOICES[0].iban) and not iban_checksum_ok(INVOICES[0].iban[:-1] + "0")


# --- booking --------------------------------------------------------------------------------

ACCOUNTS = booking.Accounts("cp", "vat", "exp")


def _values(inv) -> dict[str, str]:
    return inv.truth()


def test_a_purchase_is_expense_and_vat_to_the_supplier():
    inv = INVOICES[5]
    entry = booking.entry_for(_values(inv), "PURCHASE", ACCOUNTS)
    lines = {(ln.account_id, ln.debit, ln.credit) for ln in entry.lines}
    assert lines == {("exp", inv.tax_base, 0), ("vat", inv.vat_amount, 0), ("cp", 0, inv.total)}
    assert sum(ln.debit for ln in entry.lines) == sum(ln.credit for ln in entry.lines)
    assert (entry.document_type, entry.purchase_operation, entry.vat_rate) == ("01", "1-10-1", Decimal("9"))


def test_a_sale_is_the_customer_to_revenue_and_vat():
    inv = INVOICES[0]
    entry = booking.entry_for(_values(inv), "SALE", ACCOUNTS)
    assert {(ln.account_id, ln.debit, ln.credit) for ln in entry.lines} == {
        ("cp", inv.total, 0),
        ("exp", 0, inv.tax_base),
        ("vat", 0, inv.vat_amount),
    }
    assert entry.sales_operation == "2-11"


def test_a_credit_note_is_booked_the_other_way_with_negative_vat_figures():
    inv = INVOICES[1]
    entry = booking.entry_for(_values(inv), "PURCHASE", ACCOUNTS)
    assert {(ln.account_id, ln.debit, ln.credit) for ln in entry.lines} == {
        ("exp", 0, inv.tax_base),
        ("vat", 0, inv.vat_amount),
        ("cp", inv.total, 0),
    }
    assert (entry.document_type, entry.tax_base, entry.vat_amount) == ("03", -inv.tax_base, -inv.vat_amount)


def test_booking_refuses_incomplete_or_inconsistent_invoices():
    values = _values(INVOICES[0])
    with pytest.raises(FailedPrecondition, match="direction"):
        booking.entry_for(values, "UNKNOWN", ACCOUNTS)
    with pytest.raises(FailedPrecondition, match="total"):
        booking.entry_for({**values, "total": ""}, "SALE", ACCOUNTS)
    with pytest.raises(FailedPrecondition, match="is not the total"):
        booking.entry_for({**values, "total": "1.00"}, "SALE", ACCOUNTS)
    assert booking.request_id("a", "journal-entry") == booking.request_id("a", "journal-entry") != booking.request_id("b", "journal-entry")


# --- uploads --------------------------------------------------------------------------------


def test_multipart_uploads_are_split_into_their_files():
    boundary = "----b0und"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="companyUid"\r\n\r\nx\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + b"%PDF-a\r\n\x00\xff"
        + (
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="b.png"\r\nContent-Type: image/png\r\n\r\n'
        ).encode()
        + b"\x89PNG"
        + f"\r\n--{boundary}--\r\n".encode()
    )
    files = files_of(f"multipart/form-data; boundary={boundary}", body)
    assert [(f.name, f.content_type, f.data) for f in files] == [
        ("a.pdf", "application/pdf", b"%PDF-a\r\n\x00\xff"),
        ("b.png", "image/png", b"\x89PNG"),
    ]


def test_the_size_limit_names_the_file_and_the_limit():
    with pytest.raises(InvalidArgument, match="at most 1 MB"):
        files_of("application/pdf", b"0" * (1024 * 1024 + 1), "big.pdf", max_bytes=1024 * 1024)


# --- Azure Document Intelligence --------------------------------------------------------------


@pytest.fixture
def azure_standin(monkeypatch):
    monkeypatch.setenv("BARABA_SCANNER_AZURE_ALLOWED_HOSTS", ALLOWED_HOSTS)  # plain http on 127.0.0.1
    with running_azure_standin() as url:
        yield url


def test_azure_submit_then_poll_gives_the_fields(azure_standin, caplog):
    result = asyncio.run(azure.recognise(azure_standin, KEY, render_pdf(INVOICES[0]), "application/pdf"))
    assert result.source == "azure"
    assert result.value("supplier_vat_number") == "BG203456783" and result.value("supplier_eik") == "203456783"
    assert (result.value("tax_base"), result.value("vat_amount"), result.value("total")) == ("225.60", "45.12", "270.72")
    assert result.value("issue_date") == "2025-03-15" and result.value("currency") == "BGN" and result.value("document_type") == "invoice"
    assert result.fields["supplier_name"].page == 1 and 0 < result.fields["supplier_name"].box[0] < 0.1
    assert AzureStandIn.received[-1][1] == "application/pdf"
    assert KEY not in caplog.text


def test_a_wrong_azure_key_is_unavailable_without_the_key_in_the_message(azure_standin):
    from services.kernel.errors import Unavailable

    with pytest.raises(Unavailable) as raised:
        asyncio.run(azure.recognise(azure_standin, "wrong-key-456", b"%PDF-1.4", "application/pdf"))
    assert "401" in raised.value.message and "wrong-key-456" not in raised.value.message


def test_images_keep_their_pages(tmp_path):
    from PIL import Image

    pages = [Image.new("L", (50, 50), 255), Image.new("L", (50, 50), 0)]
    out = io.BytesIO()
    pages[0].save(out, format="TIFF", save_all=True, append_images=pages[1:])
    assert [n for n, _ in reading._image_pages(out.getvalue())] == [1, 2]


def test_a_band_is_cut_with_the_rows_that_read_whole_painted_out():
    from PIL import Image

    page = Image.new("L", (100, 200), 0)
    out = io.BytesIO()
    page.save(out, format="PNG")
    sound = reading.Word("1,25", 0.5, 0.5, 0.7, 0.55, 0.9)  # pixels 50..70 across, 100..110 down
    png, top = reading._band_image(out.getvalue(), reading.Band(0.4, 0.6, 0.0), [sound])
    band = Image.open(io.BytesIO(png))
    assert top == 0.4 and band.size == (100, 41)
    assert band.getpixel((60, 25)) == 255 and band.getpixel((10, 25)) == 0  # (60, 105) and (10, 105) of the page
