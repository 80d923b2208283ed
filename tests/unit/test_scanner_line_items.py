"""Line items from OCR'd tables, row by row: what the row's arithmetic repairs, what it cannot
and then leaves unsure, and the specks a grid leaves. The rows are words at page positions as
Tesseract gives them (a confidence per word), so each case is exactly the misreading it names."""

from decimal import Decimal

from services.scanner import line_items
from services.scanner.layout import lines_of
from services.scanner.line_items import LineItem
from services.scanner.reading import Page, Word

# The columns' left edges (fractions of the page width), as in a plain Bulgarian table.
X = {"№": 0.08, "description": 0.12, "unit": 0.45, "qty": 0.55, "price": 0.68, "amount": 0.83}
HEADER = [("№", "№"), ("description", "Описание"), ("unit", "Мярка"), ("qty", "К-во"), ("price", "Ед. цена"), ("amount", "Стойност")]


def row(y: float, cells: list[tuple[str, str]], confidence: float = 0.93) -> list[Word]:
    """Words of one table row: each cell's words laid out from its column's left edge."""
    words = []
    for column, text in cells:
        x = X[column]
        for part in text.split(" "):
            conf = 0.2 if part.startswith("~") else confidence  # '~' marks a word OCR was unsure of
            part = part.lstrip("~")
            words.append(Word(part, x, y, x + 0.008 * len(part), y + 0.012, conf))
            x += 0.008 * len(part) + 0.004
    return words


def read(*rows: list[tuple[str, str]], header=HEADER) -> list[LineItem]:
    words = row(0.30, header)
    for i, cells in enumerate(rows):
        words += row(0.33 + 0.025 * i, cells)
    words += row(0.33 + 0.025 * len(rows) + 0.03, [("price", "Данъчна основа:"), ("amount", "1,00")])
    items, _ = line_items.read([lines_of(Page(1, 1.0, 1.0, words))])
    return items


def values(item: LineItem) -> tuple:
    return item.description, Decimal(item.quantity), item.unit, Decimal(item.unit_price), Decimal(item.amount)


def test_a_row_read_right_is_sure():
    [item] = read(
        [
            ("№", "1"),
            ("description", "Консултантски услуги"),
            ("unit", "ч."),
            ("qty", "58,5"),
            ("price", "2 297,88"),
            ("amount", "134 425,98"),
        ]
    )
    assert values(item) == ("Консултантски услуги", Decimal("58.5"), "ч.", Decimal("2297.88"), Decimal("134425.98"))
    assert item.confidence >= 0.9


def test_a_quantity_that_lost_its_decimal_mark_is_amount_over_price():
    [item] = read(
        [
            ("№", "1"),
            ("description", "Консултантски услуги"),
            ("unit", "ч."),
            ("qty", "585"),
            ("price", "2 297,88"),
            ("amount", "134 425,98"),
        ]
    )
    assert values(item)[1] == Decimal("58.5")
    assert item.confidence >= 0.9  # the digits were read; only the mark was lost


def test_an_unreadable_quantity_is_derived_but_not_trusted():
    [item] = read(
        [
            ("№", "5"),
            ("description", "Счетоводно обслужване"),
            ("unit", "месец"),
            ("qty", "5;"),
            ("price", "1583,26"),
            ("amount", "4 749,78"),
        ]
    )
    assert values(item) == ("Счетоводно обслужване", Decimal("3"), "месец", Decimal("1583.26"), Decimal("4749.78"))
    assert item.confidence < 0.9


def test_an_amount_that_lost_a_digit_group_is_quantity_times_price_unsure():
    [item] = read(
        [("№", "1"), ("description", "Арматурна стомана"), ("unit", "кг"), ("qty", "411"), ("price", "2 278,90"), ("amount", "627,90")]
    )
    assert values(item)[4] == Decimal("936627.90")
    assert item.confidence < 0.9


def test_numbers_that_do_not_multiply_stay_as_read_and_unsure():
    [item] = read(
        [("№", "1"), ("description", "Тонер касета"), ("unit", "бр."), ("qty", "7"), ("price", "844,35"), ("amount", "10 132,21")]
    )
    assert values(item)[1:] == (Decimal("7"), "бр.", Decimal("844.35"), Decimal("10132.21"))
    assert item.confidence < 0.9


def test_a_quantity_header_ocr_did_not_read_is_found_by_the_arithmetic():
    header = [("№", "№"), ("description", "Наименование"), ("unit", "Мярка"), ("qty", "Kbo"), ("price", "Цена"), ("amount", "Стойност")]
    [item] = read(
        [("№", "1"), ("description", "Тонер касета"), ("unit", "бр."), ("qty", "3"), ("price", "1.713,18"), ("amount", "5.139,54")],
        header=header,
    )
    assert values(item)[1:] == (Decimal("3"), "бр.", Decimal("1713.18"), Decimal("5139.54"))


def test_a_unit_with_a_speck_after_it_and_a_row_number_read_as_letters():
    [item] = read(
        [("№", "ак"), ("description", "Кафе на зърна"), ("unit", "бр. 5}"), ("qty", "3"), ("price", "494,61"), ("amount", "1 483,83")]
    )
    assert values(item)[:3] == ("Кафе на зърна", Decimal("3"), "бр.")


def test_letters_a_grid_line_leaves_are_not_part_of_the_description():
    [item] = read(
        [
            ("№", "1"),
            ("description", "Почистване на офис ~eee ~OS"),
            ("unit", "кв.м"),
            ("qty", "2,9"),
            ("price", "920,28"),
            ("amount", "2 668,81"),
        ]
    )
    assert item.description == "Почистване на офис"


def test_a_row_without_a_unit_or_with_a_digit_between_letters_is_not_sure():
    no_unit, latin = read(
        [("№", "1"), ("description", "Пелети дървесни"), ("qty", "364"), ("price", "548,55"), ("amount", "199 672,20")],
        [("№", "2"), ("description", "Ka6en CBT 3x2,5"), ("unit", "м"), ("qty", "418"), ("price", "1611,27"), ("amount", "673 510,86")],
    )
    assert (no_unit.unit, no_unit.confidence < 0.9) == ("", True)
    assert (latin.description, latin.confidence < 0.9) == ("Ka6en CBT 3x2,5", True)  # flagged, not rewritten


def test_an_abbreviated_unit_whose_period_ocr_lost_gets_it_back():
    [item] = read(
        [("№", "1"), ("description", "Монтаж на оборудване"), ("unit", "ч"), ("qty", "5,18"), ("price", "896,95"), ("amount", "4 646,20")]
    )
    assert item.unit == "ч."


def test_a_unit_in_a_cell_of_its_own_under_a_header_ocr_did_not_read():
    header = [("description", "Описание"), ("price", "Цена"), ("amount", "Стойност")]
    [item] = read(
        [("description", "Цимент 25 кг"), ("unit", "торба"), ("qty", "5"), ("price", "598,12"), ("amount", "2 990,60")], header=header
    )
    assert values(item) == ("Цимент 25 кг", Decimal("5"), "торба", Decimal("598.12"), Decimal("2990.60"))


def table_page(base: str, *rows: list[tuple[str, str]]) -> Page:
    words = row(0.30, HEADER)
    for i, cells in enumerate(rows):
        words += row(0.33 + 0.025 * i, cells)
    words += row(0.33 + 0.025 * len(rows) + 0.03, [("price", "Данъчна основа:"), ("amount", base)])
    return Page(1, 1.0, 1.0, words)


def test_a_table_is_read_again_unless_its_rows_and_their_sum_add_up():
    cable = [("№", "1"), ("description", "Кабел СВТ 3х2,5"), ("unit", "м"), ("qty", "418"), ("price", "1,25"), ("amount", "522,50")]
    cement = [("№", "2"), ("description", "Цимент 25 кг"), ("unit", "торба"), ("qty", "5"), ("price", "598,12"), ("amount", "2 990,60")]
    assert line_items.table_settled(table_page("3 513,10", cable, cement))
    assert not line_items.table_settled(table_page("3 513,10", cable))  # a row lost: the base is more
    no_unit = [cell for cell in cement if cell[0] != "unit"]
    assert not line_items.table_settled(table_page("3 513,10", cable, no_unit))
    latin = [("description", "Ka6en CBT 3x2,5") if cell[0] == "description" else cell for cell in cable]
    assert not line_items.table_settled(table_page("3 513,10", latin, cement))
    assert not line_items.table_settled(table_page("1,00", cable))  # its amount is on its own row only
    assert not line_items.table_settled(table_page("1,00"))  # no rows at all


def test_only_the_rows_that_do_not_read_whole_are_read_again():
    cable = [("№", "1"), ("description", "Кабел СВТ 3х2,5"), ("unit", "м"), ("qty", "418"), ("price", "1,25"), ("amount", "522,50")]
    latin = [("№", "2"), ("description", "Ka6en CBT 3x2,5"), ("unit", "м"), ("qty", "418"), ("price", "1,25"), ("amount", "522,50")]
    wrong = [("№", "3"), ("description", "Цимент 25 кг"), ("unit", "торба"), ("qty", "5"), ("price", "598,12"), ("amount", "2 990,66")]
    page = table_page("4 035,66", cable, latin, wrong)
    sound = line_items.table_sound_words(page)
    assert " ".join(w.text for w in sound) == "1 Кабел СВТ 3х2,5 м 418 1,25 522,50"  # not the header, the others or the base
