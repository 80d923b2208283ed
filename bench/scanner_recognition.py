"""Scanner recognition: speed per page (text layer, OCR at 300 dpi) and accuracy per field
over the generated invoice set (text PDFs, PNG / JPEG scans and image-only PDFs).

    .venv/bin/python -m bench.scanner_recognition
"""

import asyncio
import statistics
import time
from collections import defaultdict

from services.scanner import reading
from services.scanner.extraction import extract
from tests.scanner_invoices import render_image, render_pdf, sample_invoices, scanned_pdf

VARIANTS = {
    "text PDF": lambda pdf: pdf,
    "PNG 300 dpi": lambda pdf: render_image(pdf, "PNG"),
    "JPEG 300 dpi": lambda pdf: render_image(pdf, "JPEG"),
    "scanned PDF": scanned_pdf,
}


async def main() -> None:
    invoices = sample_invoices()
    right: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    times: dict[str, list[float]] = defaultdict(list)
    for variant, make in VARIANTS.items():
        for inv in invoices:
            data = make(render_pdf(inv))
            started = time.perf_counter()
            result = extract(await reading.read(data))
            times[variant].append(time.perf_counter() - started)
            for name, want in inv.truth().items():
                right[name][variant] += result.value(name) == want
    n = len(invoices)
    print(f"speed per A4 page ({n} invoices each): median / max")
    for variant, ts in times.items():
        print(f"  {variant:14s} {statistics.median(ts) * 1000:8.0f} ms / {max(ts) * 1000:6.0f} ms")
    print("\naccuracy per field (right / total)")
    print(f"  {'field':22s}" + "".join(f"{v:>14s}" for v in VARIANTS))
    for name in invoices[0].truth():
        print(f"  {name:22s}" + "".join(f"{right[name][v]:>11d}/{n:<2d}" for v in VARIANTS))
    overall = {v: sum(right[f][v] for f in right) / (n * len(right)) for v in VARIANTS}
    print(f"  {'all fields':22s}" + "".join(f"{overall[v] * 100:>13.1f}%" for v in VARIANTS))


if __name__ == "__main__":
    asyncio.run(main())
