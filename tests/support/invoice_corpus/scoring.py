"""How a recognition is scored against the truth: a field is right when its value is exactly
the true one ("" where the invoice has none); a line item is right when its description,
quantity, unit, unit price and amount all are."""

import asyncio
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from services.scanner import line_items, reading
from services.scanner.extraction import Extraction, extract
from tests.support.invoice_corpus.model import Invoice

SURE = 0.9  # a wrong value at or above this confidence is a confident mistake


def recognise(data: bytes, inv: Invoice) -> Extraction:
    return extract(asyncio.run(reading.read(data, line_items.TABLES)), inv.company.eik, inv.company.vat)


def _same_number(a: str, b: Decimal) -> bool:
    try:
        return Decimal(a) == b
    except (InvalidOperation, TypeError):
        return False


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def item_right(got, want) -> bool:
    return (
        _words(got.description) == _words(want.description)
        and _same_number(got.quantity, want.quantity)
        and _words(got.unit) == _words(want.unit)
        and _same_number(got.unit_price, want.unit_price)
        and _same_number(got.amount, want.amount)
    )


@dataclass
class Score:
    right: dict = field(default_factory=lambda: defaultdict(int))  # field -> right
    seen: dict = field(default_factory=lambda: defaultdict(int))  # field -> checked
    items_right: int = 0
    items_seen: int = 0
    sure_but_wrong: list = field(default_factory=list)  # (invoice, field, got, want, confidence)
    items_sure_but_wrong: int = 0  # lines given that match no true line, with confidence >= SURE

    def add(self, inv: Invoice, result: Extraction) -> None:
        for name, want in inv.truth().items():
            got = result.value(name)
            self.seen[name] += 1
            if got == want:
                self.right[name] += 1
            elif name in result.fields and result.fields[name].confidence >= SURE:
                self.sure_but_wrong.append((inv.name, name, got, want, result.fields[name].confidence))
        items = list(getattr(result, "line_items", []))
        for item in inv.items:
            self.items_seen += 1
            match = next((g for g in items if item_right(g, item)), None)
            if match is not None:
                items.remove(match)
                self.items_right += 1
        self.items_sure_but_wrong += sum(g.confidence >= SURE for g in items)

    def merge(self, other: "Score") -> None:
        for name in other.seen:
            self.seen[name] += other.seen[name]
            self.right[name] += other.right[name]
        self.items_right += other.items_right
        self.items_seen += other.items_seen
        self.sure_but_wrong += other.sure_but_wrong
        self.items_sure_but_wrong += other.items_sure_but_wrong

    def fields(self) -> float:
        return sum(self.right.values()) / max(1, sum(self.seen.values()))

    def field(self, name: str) -> float:
        return self.right[name] / max(1, self.seen[name])

    def items(self) -> float:
        return self.items_right / max(1, self.items_seen)
