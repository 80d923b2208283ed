"""DEKLAR.TXT: the return's cells from the ledgers' column sums and the filer's choices
(docs/nap-format.md, "The return's cells"), and the company data it is filed with."""

import re
from decimal import Decimal

from services.vat import fixed, layouts
from services.vat.fixed import CRLF, ENCODING, ZERO, Unwritable, money
from services.vat.model import Choices, Company, Problem

BG_VAT = re.compile(r"^BG[0-9]{9,10}$")
EGN = re.compile(r"^[0-9]{10}$")


def company_problems(c: Company) -> list[Problem]:
    """What keeps the company's own data out of the files."""
    problems = []
    if not BG_VAT.match(c.vat_number):
        problems.append(Problem("company", "vat_number", f"{c.vat_number!r} is not a Bulgarian VAT number (BG + 9 or 10 digits)"))
    if not c.name.strip():
        problems.append(Problem("company", "name", "is missing"))
    if not EGN.match(c.filer.egn):
        problems.append(Problem("company", "representative ЕГН/ЛНЧ", "is missing or not 10 digits (DEKLAR 00-04 needs it)"))
    if not c.filer.name.strip():
        problems.append(Problem("company", "representative name", "is missing (DEKLAR 00-04 needs it)"))
    for label, text in (("name", c.name), ("address", c.address), ("representative name", c.filer.name),
                        ("representative city", c.filer.city), ("representative address", c.filer.address)):  # fmt: skip
        try:
            fixed.clean_text(text)
        except Unwritable as exc:
            problems.append(Problem("company", label, str(exc)))
    return problems


def cells(
    period: str, company: Company, choices: Choices, sales: dict, purchases: dict, counts: tuple[int, int]
) -> tuple[dict, list[Problem]]:
    """Every DEKLAR cell (values as fixed.render takes them) and the problems with the choices.
    `sales` / `purchases`: the ledgers' column sums over the documents the return sums."""
    s, p, ch = sales, purchases, choices
    problems = []
    out = {
        "00-01": company.vat_number, "00-02": company.name, "00-03": period,
        "00-04": f"{company.filer.egn} {company.filer.name}", "00-05": counts[0], "00-06": counts[1],
        "01-01": s["02-10"], "01-20": s["02-20"], "01-11": s["02-11"], "01-21": s["02-21"],
        "01-12": s["02-12"] + s["02-26"], "01-22": s["02-22"], "01-23": s["02-23"], "01-13": s["02-13"], "01-24": s["02-24"],
        "01-14": s["02-14"], "01-15": s["02-15"], "01-16": s["02-16"], "01-17": s["02-17"],
        "01-18": s["02-18"] + s["02-25"], "01-19": s["02-19"],
        # 01-30 = Σ03-30 + Σ03-44 (goods bought from the intermediary of a triangular
        # operation): NAV's dated fix "21.02.18, Changed function FillDeclaration" and
        # skladnik both add 03-44; docs/nap-format.md, "The return's cells".
        "01-30": p["03-30"] + p["03-44"],
        "01-31": p["03-31"], "01-41": p["03-41"], "01-32": p["03-32"], "01-42": p["03-42"], "01-43": p["03-43"],
    }  # fmt: skip
    coefficient = ch.coefficient
    if coefficient is None:
        if p["03-42"]:
            problems.append(Problem("choices", "coefficient", "the period has purchases with partial credit: give the coefficient 01-33"))
        coefficient = ZERO
    elif not (Decimal(0) <= coefficient <= Decimal(1)) or coefficient != coefficient.quantize(fixed.CENT):
        problems.append(Problem("choices", "coefficient", "must be between 0.00 and 1.00 with at most two decimals"))
        coefficient = ZERO
    out["01-33"] = coefficient
    credit = money(out["01-41"] + out["01-42"] * coefficient + out["01-43"])
    out["01-40"] = credit
    out["01-50"] = max(out["01-20"] - credit, ZERO)
    out["01-60"] = max(credit - out["01-20"], ZERO)
    chosen = {
        "01-70": ch.offset_art92_1,
        "01-71": ch.paid,
        "01-80": ch.refund_art92_1,
        "01-81": ch.refund_art92_3,
        "01-82": ch.refund_art92_4,
    }
    for code, value in chosen.items():
        if value < 0 or value != value.quantize(fixed.CENT):
            problems.append(Problem("choices", f"cell {code}", "must be a non-negative amount with at most two decimals"))
        out[code] = money(value)
    if out["01-70"] + out["01-71"] > out["01-50"]:
        problems.append(Problem("choices", "cells 01-70 + 01-71", f"exceed the VAT payable 01-50 ({out['01-50']:.2f})"))
    if out["01-80"] + out["01-81"] + out["01-82"] > out["01-60"]:
        problems.append(Problem("choices", "cells 01-80 + 01-81 + 01-82", f"exceed the VAT refundable 01-60 ({out['01-60']:.2f})"))
    return out, problems


def deklar(values: dict) -> tuple[bytes, dict[str, str], list[Problem]]:
    """DEKLAR.TXT's bytes and its cells as written (stripped), or the problem."""
    try:
        line = fixed.render(layouts.DEKLAR, values)
    except Unwritable as exc:
        code, _, message = str(exc).partition(": ")
        return b"", {}, [Problem("DEKLAR.TXT", f"cell {code}", message)]
    written = {f.code: line[s:e].strip() for f, s, e in layouts.DEKLAR.slices()}
    return (line + CRLF).encode(ENCODING), written, []
