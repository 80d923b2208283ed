"""Scanner recognition over the evaluation corpus (tests/support/invoice_corpus): accuracy per field and
per layout family, for the held-out and the tuning part apart, as text PDFs and as 300 and
200 dpi scans; line items; wrong values the recogniser was sure of; time per page.

    .venv/bin/python -m bench.scanner_recognition                       # everything (OCR: long)
    .venv/bin/python -m bench.scanner_recognition --variants text       # text PDFs only
    .venv/bin/python -m bench.scanner_recognition --part held_out --variants 300,200 --seeds 3

The first run renders and caches the files (BARABA_CORPUS_CACHE, ~/.cache by default).
"""

import argparse
import asyncio
import os
import resource
import statistics
import time
from collections import defaultdict

import pypdfium2
from prometheus_client import REGISTRY

from services.scanner import line_items, reading
from services.scanner.extraction import extract
from tests.support.invoice_corpus import FAMILIES, SEEDS, corpus, part_of, scan, text_pdf
from tests.support.invoice_corpus.scoring import Score

VARIANTS = {"text": text_pdf, "300": lambda inv: scan(inv, 300), "200": lambda inv: scan(inv, 200)}


def _cpu() -> float:
    """CPU seconds of this process, of its finished children (Tesseract) and of the reading
    children (the fork server's, which report their own use)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    reading_children = REGISTRY.get_sample_value("baraba_scanner_read_cpu_seconds_total") or 0.0
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime + reading_children


def _spread(values: list[float]) -> str:
    """Median / p90 / max in ms."""
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:6.0f} /{p90 * 1000:6.0f} /{ordered[-1] * 1000:6.0f}"


def pages_of(inv) -> int:
    return len(pypdfium2.PdfDocument(text_pdf(inv)))


def table(title: str, scores: dict[str, Score], variants: list[str]) -> None:
    print(f"\n{title}")
    print(f"  {'':22s}" + "".join(f"{v:>10s}" for v in variants))
    first = next(iter(scores.values()))
    for name in first.seen:
        print(f"  {name:22s}" + "".join(f"{scores[v].field(name) * 100:>9.1f}%" for v in variants))
    print(f"  {'ALL FIELDS':22s}" + "".join(f"{scores[v].fields() * 100:>9.1f}%" for v in variants))
    print(f"  {'line items':22s}" + "".join(f"{scores[v].items() * 100:>9.1f}%" for v in variants))
    print(f"  {'sure but wrong':22s}" + "".join(f"{len(scores[v].sure_but_wrong):>10d}" for v in variants))
    print(f"  {'lines sure but wrong':22s}" + "".join(f"{scores[v].items_sure_but_wrong:>10d}" for v in variants))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", default="both", choices=("both", "held_out", "tuning"))
    parser.add_argument("--variants", default="text,300,200")
    parser.add_argument("--seeds", type=int, default=SEEDS, help="the first N seeds of each part of each family")
    parser.add_argument("--families", default="")
    parser.add_argument("--show-wrong", action="store_true", help="print the wrong values (tuning part only)")
    args = parser.parse_args()
    variants = args.variants.split(",")
    families = args.families.split(",") if args.families else list(FAMILIES)
    parts = ("held_out", "tuning") if args.part == "both" else (args.part,)
    for part in parts:
        invoices = corpus(part, families)
        per_family: dict[str, list] = defaultdict(list)
        for inv in invoices:
            per_family[inv.family].append(inv)
        invoices = [inv for fam in per_family.values() for inv in fam[: args.seeds]]
        totals = {v: Score() for v in variants}
        family_scores: dict[str, dict[str, Score]] = defaultdict(lambda: {v: Score() for v in variants})
        times: dict[str, list[float]] = defaultdict(list)
        cpu_times: dict[str, list[float]] = defaultdict(list)
        for variant in variants:
            # The fork server starts with the first read: not part of any page's time.
            asyncio.run(reading.read(VARIANTS[variant](invoices[0]), line_items.TABLES))
            for inv in invoices:
                data, pages = VARIANTS[variant](inv), pages_of(inv)
                started, cpu = time.perf_counter(), _cpu()
                result = extract(asyncio.run(reading.read(data, line_items.TABLES)), inv.company.eik, inv.company.vat)
                wall, used = time.perf_counter() - started, _cpu() - cpu
                times[variant].append(wall / pages)
                cpu_times[variant].append(used / pages)
                one = Score()
                one.add(inv, result)
                totals[variant].merge(one)
                family_scores[inv.family][variant].merge(one)
                if args.show_wrong and part_of(inv) == "tuning":
                    for name, want in inv.truth().items():
                        if result.value(name) != want:
                            print(f"    {variant} {inv.name} {name}: {result.value(name)!r} != {want!r}")
        print(f"\n===== {part}: {len(invoices)} invoices, {len({i.family for i in invoices})} families =====")
        table("per field", totals, variants)
        print("\nper family (all fields / line items)")
        print(f"  {'':22s}" + "".join(f"{v:>18s}" for v in variants))
        for fam, scores in family_scores.items():
            print(f"  {fam:22s}" + "".join(f"{scores[v].fields() * 100:>10.1f}% /{scores[v].items() * 100:>5.0f}%" for v in variants))
        load = os.getloadavg()[0]
        print(f"\ntime per page in ms, median / p90 / max (load {load:.1f}); CPU: ours, Tesseract's and the reading children's")
        for v, ts in times.items():
            print(f"  {v:6s} wall {_spread(ts)}   CPU {_spread(cpu_times[v])}")
        if args.show_wrong and part == "tuning":  # the held-out part's mistakes are not looked at
            for v in variants:
                for wrong in totals[v].sure_but_wrong[:20]:
                    print(f"  sure but wrong ({v}): {wrong}")


if __name__ == "__main__":
    main()
