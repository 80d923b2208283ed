"""The evaluation corpus of the scanner: eleven layout families of Bulgarian invoices, each
drawn by its own code, generated from seeds (nothing binary is committed) as text PDFs and as
scans (200 and 300 dpi, skewed up to ±2°, noise, JPEG artefacts).

Seven families are for tuning; their seeds from HELD_OUT_FROM on, and all seeds of the other
four families, form the held-out part, which the recogniser is never tuned on.

    from tests.support.invoice_corpus import corpus, text_pdf, scan
    for inv in corpus("held_out"): ...
"""

import hashlib
import io
import os
import random
import statistics
from collections.abc import Callable
from pathlib import Path

import pypdfium2

from tests.support.invoice_corpus import held_out, model, pen, tuning
from tests.support.invoice_corpus.model import Invoice, make

SEEDS = 20  # per family: 11 × 20 = 220 invoices
HELD_OUT_FROM = 14  # seeds 14..19 of a tuning family are held out
# Families whose invoices carry many lines, so they run over a page.
MANY_LINES = {"issuer_multipage": (18, 45), "dense_multipage": (20, 70)}
FAMILIES: dict[str, Callable[[Invoice], bytes]] = {**tuning.FAMILIES, **held_out.FAMILIES}
CACHE = Path(os.environ.get("BARABA_CORPUS_CACHE", Path.home() / ".cache" / "baraba-invoice-corpus"))
# Part of every cache key: a change to the generators makes new files.
_VERSION = hashlib.sha256(
    b"".join(Path(str(m.__file__)).read_bytes() for m in (held_out, tuning, model, pen)) + Path(__file__).read_bytes()
).hexdigest()[:12]


def invoice(family: str, seed: int) -> Invoice:
    low, high = MANY_LINES.get(family, (1, 6))
    return make(family, seed, min_items=low, max_items=high)


def part_of(inv: Invoice) -> str:
    return "held_out" if inv.family in held_out.FAMILIES or inv.seed >= HELD_OUT_FROM else "tuning"


def corpus(part: str = "all", families=None, seeds=range(SEEDS)) -> list[Invoice]:
    """Invoices of `part` (tuning | held_out | all)."""
    out = [invoice(f, s) for f in (families or FAMILIES) for s in seeds]
    return [inv for inv in out if part == "all" or part_of(inv) == part]


def _cached(key: str, make_bytes: Callable[[], bytes]) -> bytes:
    path = CACHE / _VERSION / key
    if path.exists():
        return path.read_bytes()
    data = make_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return data


def text_pdf(inv: Invoice) -> bytes:
    return _cached(f"{inv.name}.pdf", lambda: FAMILIES[inv.family](inv))


def scan(inv: Invoice, dpi: int) -> bytes:
    """The invoice as a scanner delivers it: one page as a JPEG, several as a PDF of JPEG
    pages; each page a little skewed, noisy and compressed."""
    return _cached(f"{inv.name}-{dpi}.scan", lambda: _scan(text_pdf(inv), dpi, random.Random(f"{inv.name}:{dpi}")))


def _gaussian_noise(size: tuple[int, int], sigma: float, rng: random.Random):
    """Grey noise around 128 with deviation `sigma`, drawn from `rng`: uniform random bytes
    mapped through the normal distribution's quantiles. (Pillow's effect_noise draws from C's
    rand(), whose state depends on whatever ran before in the process, so the same invoice
    came out with different noise, and a different OCR score, from one run to the next.)"""
    from PIL import Image

    normal = statistics.NormalDist(128, sigma)
    levels = [min(255, max(0, round(normal.inv_cdf((u + 0.5) / 256)))) for u in range(256)]
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1])).point(levels)


def _scan(pdf: bytes, dpi: int, rng: random.Random) -> bytes:
    from PIL import Image, ImageFilter

    doc = pypdfium2.PdfDocument(pdf)
    pages = []
    try:
        for page in doc:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            image = image.rotate(rng.uniform(-2, 2), resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
            if rng.random() < 0.5:
                image = image.filter(ImageFilter.GaussianBlur(0.6 if dpi >= 300 else 0.4))
            noise = _gaussian_noise(image.size, rng.uniform(12, 24), rng)
            image = Image.blend(image, noise, 0.12).point(lambda v: min(255, v + 14))
            pages.append(image)
    finally:
        doc.close()
    out = io.BytesIO()
    quality = rng.randint(55, 80)
    if len(pages) == 1:
        pages[0].save(out, format="JPEG", quality=quality, dpi=(dpi, dpi))
    else:
        pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=quality)
    return out.getvalue()
