"""Tuning families: the layouts the recogniser was developed against (their held-out seeds are
scored apart). Each draws an invoice its own way."""

import random

from tests.support.invoice_corpus.model import TITLES, Invoice, cur, day, money, quantity
from tests.support.invoice_corpus.pen import Pen


def classic(inv: Invoice) -> bytes:
    """Title centred, Доставчик | Получател side by side, ЕИК / ДДС №, a ruled table with a
    unit column, totals on the right, 1 234,56 лв., dd.mm.yyyy."""
    pen = Pen("sans", inv.number)
    pen.text(297, 795, TITLES[inv.doc_type], 20, bold=True, align="center")
    pen.text(297, 772, f"№ {inv.number}", 12, bold=True, align="center")
    if inv.reference:
        pen.text(50, 750, f"към фактура № {inv.reference}", 9)
    pen.text(330, 732, f"Дата на издаване: {day(inv.issue_date, 'dot')}", 10)
    pen.text(330, 716, f"Дата на данъчно събитие: {day(inv.tax_event_date, 'dot')}", 10)
    for x, label, party in ((50, "Доставчик:", inv.supplier), (330, "Получател:", inv.recipient)):
        pen.text(x, 680, label, 10, bold=True)
        pen.text(x, 662, party.name, 10.5, bold=True)
        pen.text(x, 646, f"ЕИК: {party.eik}", 9.5)
        if party.vat:
            pen.text(x, 631, f"ДДС №: {party.vat}", 9.5)
        pen.text(x, 616, f"Адрес: {party.address}", 8.5)
        pen.text(x, 602, f"МОЛ: {party.person}", 8.5)
    y = 565
    for h, x, a in (
        ("№", 50, "left"),
        ("Описание", 70, "left"),
        ("Мярка", 290, "left"),
        ("К-во", 370, "right"),
        ("Ед. цена", 450, "right"),
        ("Стойност", 540, "right"),
    ):
        pen.text(x, y, h, 9, bold=True, align=a)
    pen.rule(48, y - 5, 545, y - 5)
    for n, item in enumerate(inv.items, 1):
        y -= 17
        pen.text(50, y, str(n), 9)
        pen.text(70, y, item.description, 9)
        pen.text(290, y, item.unit, 9)
        pen.text(370, y, quantity(item.quantity, "bg"), 9, align="right")
        pen.text(450, y, money(item.unit_price, "bg"), 9, align="right")
        pen.text(540, y, money(item.amount, "bg"), 9, align="right")
        pen.rule(48, y - 5, 545, y - 5, 0.3)
    y -= 30
    for label, value in (("Данъчна основа:", inv.tax_base), (f"ДДС {inv.vat_rate}%:", inv.vat_amount), ("Сума за плащане:", inv.total)):
        pen.text(330, y, label, 10, bold=label.startswith("Сума"))
        pen.text(540, y, f"{money(value, 'bg')} {cur(inv, 'short')}", 10, align="right", bold=label.startswith("Сума"))
        y -= 17
    pen.text(50, y - 20, "Начин на плащане: " + ("банков превод" if inv.iban else "в брой"), 9)
    if inv.iban:
        pen.text(50, y - 35, f"IBAN: {inv.iban}", 9)
    pen.text(50, 90, "Съставил: ..........................", 9)
    pen.text(330, 90, "Получил: ..........................", 9)
    return pen.pdf()


def stacked(inv: Invoice) -> bytes:
    """Seller above buyer (Продавач / Купувач) with the label left of an indented block,
    ЕИК/БУЛСТАТ and ИН по ЗДДС, no grid, plain 1234.56 and the currency code, dates with "г."."""
    pen = Pen("sans", inv.number)
    pen.text(50, 800, f"{TITLES[inv.doc_type].capitalize()} № {inv.number}", 16, bold=True)
    if inv.reference:
        pen.text(50, 782, f"Към фактура № {inv.reference}", 9)
    pen.text(50, 762, f"Дата: {day(inv.issue_date, 'dotg')}", 10)
    pen.text(250, 762, f"Данъчно събитие: {day(inv.tax_event_date, 'dotg')}", 10)
    y = 730
    for label, party in (("Продавач:", inv.supplier), ("Купувач:", inv.recipient)):
        pen.text(50, y, label, 10, bold=True)
        pen.text(130, y, party.name, 10, bold=True)
        pen.text(130, y - 15, f"ЕИК/БУЛСТАТ: {party.eik}", 9)
        if party.vat:
            pen.text(130, y - 30, f"ИН по ЗДДС: {party.vat}", 9)
        pen.text(130, y - 45, party.address, 9)
        y -= 75
    y -= 10
    for h, x, a in (
        ("Наименование", 50, "left"),
        ("Количество", 330, "right"),
        ("Мярка", 345, "left"),
        ("Цена", 450, "right"),
        ("Сума", 540, "right"),
    ):
        pen.text(x, y, h, 9, bold=True, align=a)
    for item in inv.items:
        y -= 16
        pen.text(50, y, item.description, 9)
        pen.text(330, y, quantity(item.quantity, "plain"), 9, align="right")
        pen.text(345, y, item.unit, 9)
        pen.text(450, y, money(item.unit_price, "plain"), 9, align="right")
        pen.text(540, y, money(item.amount, "plain"), 9, align="right")
    y -= 30
    for label, value in (
        ("Стойност без ДДС:", f"{inv.tax_base:.2f} {inv.currency}"),
        ("Ставка ДДС:", f"{inv.vat_rate} %"),
        ("Размер на ДДС:", f"{inv.vat_amount:.2f} {inv.currency}"),
        ("Обща стойност:", f"{inv.total:.2f} {inv.currency}"),
    ):
        pen.text(300, y, label, 10)
        pen.text(540, y, value, 10, align="right")
        y -= 16
    if inv.iban:
        i = inv.iban
        pen.text(50, y - 20, f"Плащане по сметка IBAN {i[:4]} {i[4:8]} {i[8:12]} {i[12:16]} {i[16:20]} {i[20:]}", 9)
    return pen.pdf()


def boxed(inv: Invoice) -> bytes:
    """ИЗПЪЛНИТЕЛ | ВЪЗЛОЖИТЕЛ in frames, "Идент. № по ЗДДС", labels left of values on the
    right, dd/mm/yyyy, 1.234,56, a full grid, serif type."""
    pen = Pen("times", inv.number)
    pen.text(50, 800, TITLES[inv.doc_type], 18, bold=True)
    pen.text(50, 780, f"Номер: {inv.number}", 11)
    if inv.reference:
        pen.text(50, 764, f"Основание: фактура {inv.reference}", 9)
    pen.text(360, 800, "Дата на издаване", 9)
    pen.text(540, 800, day(inv.issue_date, "slash"), 9, align="right")
    pen.text(360, 786, "Дата на дан. събитие", 9)
    pen.text(540, 786, day(inv.tax_event_date, "slash"), 9, align="right")
    for x, label, party in ((50, "ИЗПЪЛНИТЕЛ", inv.supplier), (305, "ВЪЗЛОЖИТЕЛ", inv.recipient)):
        pen.box(x - 6, 640, 246, 118)
        pen.text(x, 742, label, 9, bold=True)
        pen.text(x, 724, party.name, 10, bold=True)
        pen.text(x, 706, f"ЕИК {party.eik}", 9)
        if party.vat:
            pen.text(x, 690, f"Идент. № по ЗДДС {party.vat}", 9)
        pen.text(x, 674, party.address, 8)
    y = 610
    xs = (44, 70, 290, 340, 410, 475, 548)
    pen.box(44, y - 5, 504, 16)
    for h, x, a in (
        ("№", 48, "left"),
        ("Наименование", 74, "left"),
        ("Мярка", 294, "left"),
        ("К-во", 405, "right"),
        ("Цена", 470, "right"),
        ("Стойност", 544, "right"),
    ):
        pen.text(x, y, h, 9, bold=True, align=a)
    for n, item in enumerate(inv.items, 1):
        y -= 16
        pen.box(44, y - 5, 504, 16)
        pen.text(48, y, str(n), 9)
        pen.text(74, y, item.description, 9)
        pen.text(294, y, item.unit, 9)
        pen.text(405, y, quantity(item.quantity, "dots"), 9, align="right")
        pen.text(470, y, money(item.unit_price, "dots"), 9, align="right")
        pen.text(544, y, money(item.amount, "dots"), 9, align="right")
    for x in xs[1:-1]:
        pen.rule(x, y - 5, x, 621)
    y -= 30
    for label, value in (("Основа за ДДС", inv.tax_base), (f"ДДС ({inv.vat_rate}%)", inv.vat_amount), ("Всичко за плащане", inv.total)):
        pen.text(330, y, label, 10, bold=label.startswith("Всичко"))
        pen.text(544, y, f"{money(value, 'dots')} {inv.currency}", 10, align="right")
        y -= 18
    if inv.iban:
        pen.text(50, y - 20, f"Банкова сметка: {inv.iban}", 9)
    return pen.pdf()


def bilingual(inv: Invoice) -> bytes:
    """Bulgarian / English labels: Доставчик / Supplier, Получател / Customer, ЕИК / UIC,
    ДДС № / VAT No; plain 1234.56; dd.mm.yyyy."""
    pen = Pen("liberation", inv.number)
    pen.text(
        50,
        805,
        f"{TITLES[inv.doc_type]} / " + {"invoice": "INVOICE", "credit_note": "CREDIT NOTE", "debit_note": "DEBIT NOTE"}[inv.doc_type],
        15,
        bold=True,
    )
    pen.text(50, 787, f"Номер / No: {inv.number}", 10)
    pen.text(50, 773, f"Дата / Date: {day(inv.issue_date, 'dot')}", 10)
    pen.text(300, 773, f"Дата на данъчно събитие / Tax date: {day(inv.tax_event_date, 'dot')}", 8.5)
    if inv.reference:
        pen.text(300, 787, f"Към фактура / To invoice № {inv.reference}", 8.5)
    for x, label, party in ((50, "Доставчик / Supplier", inv.supplier), (310, "Получател / Customer", inv.recipient)):
        pen.text(x, 740, label, 9.5, bold=True)
        pen.text(x, 724, party.name, 10)
        pen.text(x, 710, f"ЕИК / UIC: {party.eik}", 9)
        if party.vat:
            pen.text(x, 697, f"ДДС № / VAT No: {party.vat}", 9)
        pen.text(x, 684, party.address, 8.5)
    y = 650
    for h, x, a in (
        ("Описание / Description", 50, "left"),
        ("Мярка / Unit", 270, "left"),
        ("К-во / Qty", 380, "right"),
        ("Цена / Price", 460, "right"),
        ("Сума / Amount", 545, "right"),
    ):
        pen.text(x, y, h, 8.5, bold=True, align=a)
    pen.rule(50, y - 4, 545, y - 4, 1)
    for item in inv.items:
        y -= 15
        pen.text(50, y, item.description, 9)
        pen.text(270, y, item.unit, 9)
        pen.text(380, y, quantity(item.quantity, "plain"), 9, align="right")
        pen.text(460, y, money(item.unit_price, "plain"), 9, align="right")
        pen.text(545, y, money(item.amount, "plain"), 9, align="right")
    pen.rule(50, y - 6, 545, y - 6, 1)
    y -= 26
    for label, value in (
        ("Данъчна основа / Tax base", inv.tax_base),
        (f"ДДС / VAT {inv.vat_rate}%", inv.vat_amount),
        ("Общо / Total", inv.total),
    ):
        pen.text(320, y, label, 9.5, bold=label.startswith("Общо"))
        pen.text(545, y, f"{money(value, 'plain')} {inv.currency}", 9.5, align="right")
        y -= 15
    if inv.iban:
        pen.text(50, y - 15, f"IBAN: {inv.iban}", 9)
    return pen.pdf()


def issuer_multipage(inv: Invoice) -> bytes:
    """ "Издател" | "Клиент" side by side, many lines running over to page 2 with a page
    footer, totals at the end ("Сума без ДДС", "Начислен ДДС 20 %", "Сума за плащане")."""
    pen = Pen("sans", inv.number)

    def footer() -> None:
        pen.text(297, 30, f"Страница {pen.page}", 7, align="center")

    pen.text(50, 800, TITLES[inv.doc_type], 17, bold=True)
    pen.text(545, 800, f"№ {inv.number}", 12, bold=True, align="right")
    pen.text(545, 784, f"Дата на издаване: {day(inv.issue_date, 'dot')}", 9, align="right")
    pen.text(545, 771, f"Дата на данъчно събитие: {day(inv.tax_event_date, 'dot')}", 9, align="right")
    if inv.reference:
        pen.text(50, 780, f"към фактура № {inv.reference}", 9)
    for x, label, party in ((50, "Издател:", inv.supplier), (310, "Клиент:", inv.recipient)):
        pen.text(x, 740, label, 10, bold=True)
        pen.text(x, 725, party.name, 10, bold=True)
        pen.text(x, 711, f"ЕИК: {party.eik}", 9)
        if party.vat:
            pen.text(x, 698, f"ДДС №: {party.vat}", 9)
        pen.text(x, 685, party.address, 8.5)

    def header(y: float) -> None:
        for h, x, a in (
            ("Описание", 50, "left"),
            ("Мярка", 290, "left"),
            ("Количество", 400, "right"),
            ("Ед. цена", 470, "right"),
            ("Стойност", 545, "right"),
        ):
            pen.text(x, y, h, 9, bold=True, align=a)
        pen.rule(50, y - 4, 545, y - 4)

    y = 650
    header(y)
    for item in inv.items:
        y -= 15
        if y < 60:
            footer()
            pen.new_page()
            y = 790
            header(y)
            y -= 15
        pen.text(50, y, item.description, 9)
        pen.text(290, y, item.unit, 9)
        pen.text(400, y, quantity(item.quantity, "bg"), 9, align="right")
        pen.text(470, y, money(item.unit_price, "bg"), 9, align="right")
        pen.text(545, y, money(item.amount, "bg"), 9, align="right")
    if y < 160:
        footer()
        pen.new_page()
        y = 790
    y -= 28
    for label, value in (
        ("Сума без ДДС:", inv.tax_base),
        (f"Начислен ДДС {inv.vat_rate} %:", inv.vat_amount),
        ("Сума за плащане:", inv.total),
    ):
        pen.text(330, y, label, 10, bold=label.startswith("Сума за"))
        pen.text(545, y, f"{money(value, 'bg')} {cur(inv, 'short')}", 10, align="right")
        y -= 16
    if inv.iban:
        pen.text(50, y - 14, f"IBAN {inv.iban}", 9)
    footer()
    return pen.pdf()


def label_column(inv: Invoice) -> bytes:
    """Key-value rows everywhere: a meta table on the right, parties stacked under headings with
    "Име:", "Булстат:", "ДДС номер:" rows, totals as rows, 1 234,56, dd.mm.yyyy г."""
    pen = Pen("narrow", inv.number)
    pen.text(50, 800, TITLES[inv.doc_type], 22, bold=True)
    rows = [
        ("Фактура No", inv.number),
        ("Дата на издаване", day(inv.issue_date, "dotg")),
        ("Дата на дан. събитие", day(inv.tax_event_date, "dotg")),
    ]
    if inv.reference:
        rows.append(("Към документ №", inv.reference))
    for i, (k, v) in enumerate(rows):
        pen.box(340, 796 - i * 16, 205, 16, 0.4)
        pen.text(345, 801 - i * 16, k, 9)
        pen.text(540, 801 - i * 16, v, 9, align="right")
    y = 735
    for label, party in (("Доставчик", inv.supplier), ("Получател", inv.recipient)):
        pen.text(50, y, label, 11, bold=True)
        pen.rule(50, y - 3, 300, y - 3, 0.8)
        items = (
            [("Име:", party.name), ("Булстат:", party.eik)]
            + ([("ДДС номер:", party.vat)] if party.vat else [])
            + [("Адрес:", party.address)]
        )
        for i, (k, v) in enumerate(items):
            pen.text(50, y - 16 - i * 13, k, 9)
            pen.text(115, y - 16 - i * 13, v, 9)
        y -= 80
    y -= 5
    for h, x, a in (
        ("Артикул", 50, "left"),
        ("Ед.", 280, "left"),
        ("Кол.", 350, "right"),
        ("Ед. цена", 440, "right"),
        ("Общо", 545, "right"),
    ):
        pen.text(x, y, h, 9.5, bold=True, align=a)
    for item in inv.items:
        y -= 15
        pen.text(50, y, item.description, 9.5)
        pen.text(280, y, item.unit, 9.5)
        pen.text(350, y, quantity(item.quantity, "bg"), 9.5, align="right")
        pen.text(440, y, money(item.unit_price, "bg"), 9.5, align="right")
        pen.text(545, y, money(item.amount, "bg"), 9.5, align="right")
    y -= 30
    for label, value in (("Данъчна основа", inv.tax_base), (f"ДДС {inv.vat_rate}%", inv.vat_amount), ("Сума за плащане", inv.total)):
        pen.box(340, y - 5, 205, 16, 0.4)
        pen.text(345, y, label, 9.5, bold=label.startswith("Сума"))
        pen.text(540, y, f"{money(value, 'bg')} {cur(inv, 'words')}", 9.5, align="right")
        y -= 16
    if inv.iban:
        pen.text(50, y - 16, f"Сметка: {inv.iban}", 9)
    return pen.pdf()


def stamped(inv: Invoice) -> bytes:
    """Продавач | Купувач without colons, ЕИК and "ИН по ДДС", a VAT % column per line, a stamp
    and a signature over the bottom lines, 1 234,56 лв., dd.mm.yyyy."""
    rng = random.Random(inv.name)
    pen = Pen("serif", inv.number)
    pen.text(297, 800, f"{TITLES[inv.doc_type]} № {inv.number}", 15, bold=True, align="center")
    pen.text(
        297, 783, f"Дата: {day(inv.issue_date, 'dot')}   Дата на данъчното събитие: {day(inv.tax_event_date, 'dot')}", 9, align="center"
    )
    if inv.reference:
        pen.text(297, 770, f"към фактура № {inv.reference}", 8.5, align="center")
    for x, label, party in ((50, "ПРОДАВАЧ", inv.supplier), (310, "КУПУВАЧ", inv.recipient)):
        pen.text(x, 740, label, 9, bold=True)
        pen.text(x, 725, party.name, 10, bold=True)
        pen.text(x, 711, f"ЕИК {party.eik}", 9)
        if party.vat:
            pen.text(x, 698, f"ИН по ДДС {party.vat}", 9)
        pen.text(x, 685, party.address, 8.5)
    y = 650
    pen.box(48, y - 5, 500, 16)
    for h, x, a in (
        ("Описание", 52, "left"),
        ("Мярка", 260, "left"),
        ("К-во", 340, "right"),
        ("Цена", 410, "right"),
        ("ДДС", 455, "right"),
        ("Стойност", 544, "right"),
    ):
        pen.text(x, y, h, 8.5, bold=True, align=a)
    for item in inv.items:
        y -= 16
        pen.box(48, y - 5, 500, 16)
        pen.text(52, y, item.description, 8.5)
        pen.text(260, y, item.unit, 8.5)
        pen.text(340, y, quantity(item.quantity, "bg"), 8.5, align="right")
        pen.text(410, y, money(item.unit_price, "bg"), 8.5, align="right")
        pen.text(455, y, f"{item.vat_rate}%", 8.5, align="right")
        pen.text(544, y, money(item.amount, "bg"), 8.5, align="right")
    y -= 30
    for label, value in (("Данъчна основа", inv.tax_base), ("ДДС", inv.vat_amount), ("Всичко", inv.total)):
        pen.text(380, y, label, 10, bold=label == "Всичко")
        pen.text(544, y, f"{money(value, 'bg')} {cur(inv, 'short')}", 10, align="right")
        y -= 16
    if inv.iban:
        pen.text(50, y - 10, f"IBAN: {inv.iban}", 9)
    pen.text(50, y - 50, f"Съставил: {inv.supplier.person}", 9)
    pen.text(310, y - 50, f"Получил: {inv.recipient.person}", 9)
    pen.signature(100, y - 48, rng)
    pen.stamp(200, y - 40, inv.supplier.name, rng)
    return pen.pdf()


FAMILIES = {
    "classic": classic,
    "stacked": stacked,
    "boxed": boxed,
    "bilingual": bilingual,
    "issuer_multipage": issuer_multipage,
    "label_column": label_column,
    "stamped": stamped,
}
