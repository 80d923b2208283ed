"""Held-out families: written before the recogniser was tuned, and never looked at to tune it.
Each draws an invoice its own way (labels, order, columns, fonts, number and date formats)."""

import random

from tests.support.invoice_corpus.model import TITLES, TITLES_EN, Invoice, cur, day, money, quantity
from tests.support.invoice_corpus.pen import Pen


def recipient_left(inv: Invoice) -> bytes:
    """Sales software style: recipient on the left, supplier on the right, label rows ("Име на
    фирма", "ИН по ЗДДС", "МОЛ"), a full grid with item codes, 1 234,56, dd.mm.yyyy."""
    rng = random.Random(inv.name)
    pen = Pen("liberation", inv.number)
    pen.text(297, 800, TITLES[inv.doc_type], 18, bold=True, align="center")
    pen.text(297, 782, "ОРИГИНАЛ", 9, align="center")
    pen.text(60, 755, f"Номер: {inv.number}", 10, bold=True)
    pen.text(60, 740, f"Дата: {day(inv.issue_date, 'dot')}", 10)
    pen.text(330, 755, f"Дата на данъчното събитие: {day(inv.tax_event_date, 'dot')}", 9)
    pen.text(330, 740, f"Място на сделката: гр. {inv.supplier.town}", 9)
    if inv.reference:
        pen.text(60, 725, f"Към фактура № {inv.reference}", 9)
    for x, label, party in ((60, "Получател:", inv.recipient), (330, "Доставчик:", inv.supplier)):
        pen.box(x - 8, 600, 250, 112)
        pen.text(x, 698, label, 10, bold=True)
        rows = [("Име на фирма:", party.name), ("ЕИК:", party.eik)]
        if party.vat:
            rows.append(("ИН по ЗДДС:", party.vat))
        rows += [("Град:", party.town), ("Адрес:", party.street), ("МОЛ:", party.person)]
        for i, (k, v) in enumerate(rows):
            pen.text(x, 682 - i * 13, k, 8.5)
            pen.text(x + 72, 682 - i * 13, v, 8.5, bold=k == "Име на фирма:")
    y = 575
    pen.box(50, y - 6, 495, 18)
    for x, h, a in (
        (54, "Код", "left"),
        (95, "Стока/Услуга", "left"),
        (300, "Мярка", "left"),
        (405, "Количество", "right"),
        (470, "Цена", "right"),
        (540, "Стойност", "right"),
    ):
        pen.text(x, y, h, 8.5, bold=True, align=a)
    for n, item in enumerate(inv.items, 1):
        y -= 18
        pen.box(50, y - 6, 495, 18)
        pen.text(54, y, f"{1000 + n * 7}", 8.5)
        pen.text(95, y, item.description, 8.5)
        pen.text(300, y, item.unit, 8.5)
        pen.text(405, y, quantity(item.quantity, "bg"), 8.5, align="right")
        pen.text(470, y, money(item.unit_price, "bg"), 8.5, align="right")
        pen.text(540, y, money(item.amount, "bg"), 8.5, align="right")
    for x in (92, 296, 346, 410, 475):
        pen.rule(x, y - 6, x, 587)
    y -= 34
    for label, value in (
        (f"Данъчна основа {inv.vat_rate}%:", inv.tax_base),
        ("Начислен ДДС:", inv.vat_amount),
        ("Сума за плащане:", inv.total),
    ):
        pen.text(400, y, label, 9.5, bold=label.startswith("Сума"), align="right")
        pen.text(540, y, f"{money(value, 'bg')} {cur(inv, 'short')}", 9.5, align="right", bold=label.startswith("Сума"))
        y -= 15
    y -= 15
    pen.text(60, y, "Плащане: " + ("по банков път" if inv.iban else "в брой"), 9)
    if inv.iban:
        pen.text(60, y - 13, f"IBAN: {inv.iban}   BIC: UNCRBGSF", 9)
    pen.text(60, 110, "Получил: ....................", 9)
    pen.text(330, 110, "Съставил: ....................", 9)
    pen.signature(390, 112, rng)
    return pen.pdf()


def letterhead(inv: Invoice) -> bytes:
    """The supplier's letterhead on top; below, "Получател" left and "Издател" right with
    "ЕИК по БУЛСТАТ" and "ДДС №"; no grid; 1.234,56; dd/mm/yyyy; stamp over the signature."""
    rng = random.Random(inv.name)
    pen = Pen("serif", inv.number)
    pen.text(297, 805, inv.supplier.name.upper(), 15, bold=True, align="center")
    pen.text(297, 790, f"{inv.supplier.address} · тел. 0{rng.randrange(2, 99)} {rng.randrange(100000, 999999)}", 8, align="center")
    pen.rule(40, 782, 555, 782, 1.2)
    pen.text(40, 752, f"{TITLES[inv.doc_type].title()}  № {inv.number}", 14, bold=True)
    pen.text(40, 735, f"от {day(inv.issue_date, 'slash')}", 10)
    pen.text(330, 752, f"Дата на дан. събитие: {day(inv.tax_event_date, 'slash')}", 9)
    if inv.reference:
        pen.text(330, 738, f"Към фактура № {inv.reference}", 9)
    for x, label, party in ((40, "Получател", inv.recipient), (320, "Издател", inv.supplier)):
        pen.text(x, 705, label, 10, bold=True)
        pen.rule(x, 701, x + 200, 701, 0.4)
        pen.text(x, 688, party.name, 9.5, bold=True)
        pen.text(x, 674, f"ЕИК по БУЛСТАТ: {party.eik}", 8.5)
        pen.text(x, 661, f"ДДС №: {party.vat}" if party.vat else "Нерегистриран по ЗДДС", 8.5)
        pen.text(x, 648, party.address, 8.5)
        pen.text(x, 635, f"Отговорно лице: {party.person}", 8.5)
    y = 600
    heads = (("№", 40, "left"), ("Описание на стоката/услугата", 60, "left"), ("Мярка", 300, "left"), ("К-во", 390, "right"),
             ("Ед. цена", 465, "right"), ("Сума", 550, "right"))  # fmt: skip
    for h, x, a in heads:
        pen.text(x, y, h, 8.5, bold=True, align=a)
    pen.rule(40, y - 5, 555, y - 5, 0.4)
    for n, item in enumerate(inv.items, 1):
        y -= 15
        pen.text(40, y, f"{n}.", 8.5)
        pen.text(60, y, item.description, 8.5)
        pen.text(300, y, item.unit, 8.5)
        pen.text(390, y, quantity(item.quantity, "dots"), 8.5, align="right")
        pen.text(465, y, money(item.unit_price, "dots"), 8.5, align="right")
        pen.text(550, y, money(item.amount, "dots"), 8.5, align="right")
    pen.rule(40, y - 6, 555, y - 6, 0.4)
    y -= 28
    for label, value in (
        ("Данъчна основа", money(inv.tax_base, "dots")),
        ("Ставка на ДДС", f"{inv.vat_rate} %"),
        ("Начислен ДДС", money(inv.vat_amount, "dots")),
        ("Общо за плащане", money(inv.total, "dots")),
    ):
        pen.text(340, y, label, 9.5, bold=label.startswith("Общо"))
        pen.text(550, y, f"{value} {cur(inv) if '%' not in value else ''}".rstrip(), 9.5, align="right", bold=label.startswith("Общо"))
        y -= 15
    if inv.iban:
        pen.text(40, y - 10, f"Банкова сметка (IBAN): {inv.iban}", 8.5)
    pen.text(40, 120, "Съставил:", 9)
    pen.text(40, 106, inv.supplier.person, 9)
    pen.signature(95, 118, rng)
    pen.stamp(170, 118, inv.supplier.name, rng)
    pen.text(320, 120, "Получил:", 9)
    return pen.pdf()


def english_first(inv: Invoice) -> bytes:
    """English first, Bulgarian second: Seller / Buyer side by side, "Reg. No / ЕИК", "VAT No",
    a grid with a VAT % column, 1,234.56, ISO dates, euro sign."""
    pen = Pen("liberation", inv.number)
    pen.text(50, 805, f"{TITLES_EN[inv.doc_type]} / {TITLES[inv.doc_type]}", 16, bold=True)
    pen.text(545, 805, f"No / № {inv.number}", 11, bold=True, align="right")
    pen.text(545, 789, f"Date of issue / Дата на издаване: {day(inv.issue_date, 'iso')}", 8.5, align="right")
    pen.text(545, 776, f"Tax point / Данъчно събитие: {day(inv.tax_event_date, 'iso')}", 8.5, align="right")
    if inv.reference:
        pen.text(545, 763, f"Ref. invoice / Към фактура: {inv.reference}", 8.5, align="right")
    for x, label, party in ((50, "Seller / Продавач", inv.supplier), (310, "Buyer / Купувач", inv.recipient)):
        pen.text(x, 735, label, 9, bold=True)
        pen.text(x, 720, party.name, 10, bold=True)
        pen.text(x, 706, f"Reg. No / ЕИК: {party.eik}", 8.5)
        if party.vat:
            pen.text(x, 693, f"VAT No: {party.vat}", 8.5)
        pen.text(x, 680, f"Address / Адрес: {party.address}", 8)
    y = 640
    cols = ((52, "Description / Описание", "left"), (265, "Unit", "left"), (340, "Qty", "right"), (415, "Unit price", "right"),
            (460, "VAT %", "right"), (543, "Amount", "right"))  # fmt: skip
    pen.box(48, y - 5, 499, 16, 0.8)
    for x, h, a in cols:
        pen.text(x, y, h, 8, bold=True, align=a)
    for item in inv.items:
        y -= 16
        pen.box(48, y - 5, 499, 16, 0.5)
        pen.text(52, y, item.description, 8)
        pen.text(265, y, item.unit, 8)
        pen.text(340, y, quantity(item.quantity, "en"), 8, align="right")
        pen.text(415, y, money(item.unit_price, "en"), 8, align="right")
        pen.text(460, y, f"{item.vat_rate}%", 8, align="right")
        pen.text(543, y, money(item.amount, "en"), 8, align="right")
    y -= 30
    sym = "€" if inv.currency == "EUR" else "BGN"
    for label, value in (
        ("Subtotal / Сума без ДДС", inv.tax_base),
        (f"VAT {inv.vat_rate}% / ДДС", inv.vat_amount),
        ("Total / Общо", inv.total),
    ):
        pen.text(330, y, label, 9, bold=label.startswith("Total"))
        pen.text(543, y, f"{money(value, 'en')} {sym}", 9, align="right", bold=label.startswith("Total"))
        y -= 14
    if inv.iban:
        pen.text(50, y - 14, f"Bank account / Банкова сметка: {inv.iban}", 8)
    pen.text(50, 90, "Issued by / Съставил: ______________", 8)
    return pen.pdf()


def dense_multipage(inv: Invoice) -> bytes:
    """Small condensed print, parties stacked ("Изпълнител" above "Клиент") with "Булстат" and
    "ДДС №", many lines carried to a second page, dd-mm-yyyy, "Стойност" as the tax base."""
    rng = random.Random(inv.name)
    pen = Pen("condensed", inv.number)
    pen.text(40, 810, TITLES[inv.doc_type], 13, bold=True)
    pen.text(40, 796, f"№ {inv.number} / {day(inv.issue_date, 'dash')}", 9)
    pen.text(555, 810, f"Дата на данъчно събитие: {day(inv.tax_event_date, 'dash')}", 7.5, align="right")
    if inv.reference:
        pen.text(555, 798, f"към фактура {inv.reference}", 7.5, align="right")
    y = 770
    for label, party in (("Изпълнител:", inv.supplier), ("Клиент:", inv.recipient)):
        pen.text(40, y, label, 8, bold=True)
        pen.text(110, y, party.name, 8, bold=True)
        ids = f"Булстат: {party.eik}" + (f"    ДДС №: {party.vat}" if party.vat else "")
        pen.text(110, y - 11, ids, 7.5)
        pen.text(110, y - 22, f"{party.address}, МОЛ: {party.person}", 7.5)
        y -= 40
    heads = ((40, "Наименование", "left"), (300, "м-ка", "left"), (370, "к-во", "right"), (450, "цена", "right"), (555, "ст-ст", "right"))

    def header(y: float) -> None:
        for x, h, a in heads:
            pen.text(x, y, h, 7.5, bold=True, align=a)
        pen.rule(40, y - 3, 555, y - 3, 0.3)

    y -= 5
    header(y)
    for item in inv.items:
        y -= 11
        if y < 70:
            pen.text(555, 40, f"стр. {pen.page}", 7, align="right")
            pen.new_page()
            y = 800
            header(y)
            y -= 11
        pen.text(40, y, item.description, 7.5)
        pen.text(300, y, item.unit, 7.5)
        pen.text(370, y, quantity(item.quantity, "plaincomma"), 7.5, align="right")
        pen.text(450, y, money(item.unit_price, "plaincomma"), 7.5, align="right")
        pen.text(555, y, money(item.amount, "plaincomma"), 7.5, align="right")
    if y < 170:
        pen.new_page()
        y = 800
    pen.rule(40, y - 4, 555, y - 4, 0.3)
    y -= 18
    for label, value in (("Стойност:", inv.tax_base), (f"ДДС {inv.vat_rate}%:", inv.vat_amount), ("Всичко за плащане:", inv.total)):
        pen.text(470, y, label, 8.5, bold=label.startswith("Всичко"), align="right")
        pen.text(555, y, money(value, "plaincomma") + " " + cur(inv, "short"), 8.5, align="right")
        y -= 12
    if inv.iban:
        pen.text(40, y - 8, f"IBAN {inv.iban}", 7.5)
    pen.text(40, y - 40, "Съставил: .................", 8)
    pen.stamp(90, y - 38, inv.supplier.name, rng)
    return pen.pdf()


FAMILIES = {
    "recipient_left": recipient_left,
    "letterhead": letterhead,
    "english_first": english_first,
    "dense_multipage": dense_multipage,
}
