"""VIES.TXT: one VIR line per customer of another member state, the month's goods,
triangular supplies and art. 21(2) services summed with credit notes netted
(docs/nap-format.md, "VIES.TXT")."""

import re
from decimal import Decimal

from services.vat import fixed, layouts
from services.vat.fixed import CRLF, ENCODING, ZERO, Unwritable
from services.vat.layouts import Layout
from services.vat.model import Company, Problem

POSTCODE = re.compile(r"^[0-9]{4}$")


def reported(lines: dict[str, list[Decimal]]) -> list[tuple[str, list[Decimal]]]:
    """The lines VIES.TXT declares, by VAT number. A customer whose supplies net to 0.00 in the
    period (a credit note cancelling the invoice) gets no line, as NAV writes it: an all-zero
    line declares nothing. No line left: no VIES.TXT."""
    return sorted((vat, line) for vat, line in lines.items() if any(line))


def mm_yyyy(period: str) -> str:
    return f"{period[4:]}/{period[:4]}"


def vies_file(period: str, company: Company, lines: list[tuple[str, list[Decimal]]]) -> tuple[bytes, list[Problem]]:
    c, f = company, company.filer
    problems = []
    goods = sum((line[0] for _, line in lines), ZERO)
    total = sum((sum(line, ZERO) for _, line in lines), ZERO)
    if f.capacity not in ("A", "R"):
        problems.append(Problem("company", "representative capacity", "must be R (representative) or A (authorised person)"))
    if f.postcode and not POSTCODE.match(f.postcode):
        problems.append(Problem("company", "representative postcode", "must be 4 digits"))
    records: list[tuple[Layout, dict]] = [
        (layouts.VHR, {"VHR-02": mm_yyyy(period), "VHR-03": len(lines)}),
        (layouts.VDR, {"VDR-02": f.egn, "VDR-03": f.name, "VDR-04": f.city, "VDR-05": f.postcode, "VDR-06": f.address,
                       "VDR-07": f.capacity}),
        (layouts.VTR, {"VTR-02": c.vat_number, "VTR-03": c.name, "VTR-04": c.address}),
        (layouts.TTR, {"TTR-02": total, "TTR-03": goods}),
        *((layouts.VIR, {"VIR-02": i, "VIR-03": vat, "VIR-04": g, "VIR-05": t, "VIR-06": s, "VIR-07": ""})
          for i, (vat, (g, t, s)) in enumerate(lines, 1)),
        (layouts.CHR, {"CHR-02": 0}),
    ]  # fmt: skip
    out = []
    for layout, values in records:
        try:
            out.append(fixed.render(layout, values))
        except Unwritable as exc:
            code, _, message = str(exc).partition(": ")
            subject = f"VIES.TXT line for {values['VIR-03']}" if layout is layouts.VIR else "VIES.TXT"
            problems.append(Problem(subject, code, message))
    if problems:
        return b"", problems
    # CR LF between records, none after the last (the NRA-accepted sample; docs/nap-format.md, "VIES.TXT").
    return CRLF.join(out).encode(ENCODING), []
