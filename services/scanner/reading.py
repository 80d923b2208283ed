"""From an uploaded file to words on pages: the PDF text layer when the PDF has one, else
Tesseract OCR (Bulgarian + English) of the page images. Both give the same thing, words with
their boxes and a confidence, so field extraction does not care where the text came from.

Tesseract runs as a child process per page; cancelling the task kills it, so a cancelled
batch really stops working.

Opening, inflating and rendering a file happen in a child process too (forked from a
preloaded fork server, so it starts in milliseconds), with its address space capped
(BARABA_SCANNER_READ_MEMORY_MB) and its CPU time (BARABA_SCANNER_READ_SECONDS): a PDF whose
content stream inflates to gigabytes, or a page sized to render into billions of pixels, is a
400 naming the limit, and the scanner itself never holds what the file expands to. Before a
PDF is parsed, its compressed streams are inflated once in small pieces and counted, so a bomb
is refused after reading BARABA_SCANNER_MAX_INFLATED_MB, without ever holding it."""

import asyncio
import io
import logging
import multiprocessing
import os
import re
import resource
import shutil
import signal
import sys
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.kernel import metrics
from services.kernel.errors import FieldViolation, InvalidArgument
from services.kernel.settings import env

log = logging.getLogger(__name__)

OCR_DPI = 300
OCR_LANGUAGES = "bul+eng"
OCR_TIMEOUT_SECONDS = 120.0
# Pages of one file read at once: Tesseract runs one thread, so one page per core (of 2).
PAGES_AT_ONCE = 2
MAX_PAGES = 20  # an invoice; a 300-page upload is not one
# A page whose text layer has fewer characters than this is treated as a scan (OCR instead).
MIN_TEXT_CHARS = 20
# What reading one file may take: address space of the reading process, and CPU time (wall
# time is only a backstop: on a busy machine a legitimate file waits for the CPU longer).
READ_MEMORY_MB = int(env("BARABA_SCANNER_READ_MEMORY_MB", "512"))
READ_SECONDS = float(env("BARABA_SCANNER_READ_SECONDS", "20"))
# What all the compressed streams of one PDF may inflate to, counted before anything is parsed.
MAX_INFLATED_MB = int(env("BARABA_SCANNER_MAX_INFLATED_MB", "256"))
# A rendered page is at most this many pixels (an A3 page at 600 dpi); larger pages render smaller.
MAX_RENDER_PIXELS = 12_000 * 12_000

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
}


@dataclass(frozen=True)
class Word:
    text: str
    x0: float  # the box in fractions of the page (0..1), top-left origin
    y0: float
    x1: float
    y1: float
    confidence: float  # 0..1; 1.0 for a text layer


@dataclass
class Page:
    number: int  # 1-based
    width: float  # in its own units (PDF points or pixels): only the aspect matters
    height: float
    words: list[Word] = field(default_factory=list)


PAGES = metrics.counter("baraba_scanner_pages_total", "Pages recognised, by how", "method", ("text", "ocr", "azure"))
TEXT_PAGES, OCR_PAGES = PAGES.labels("text"), PAGES.labels("ocr")
# The reading children are the fork server's, not ours, so our own CPU accounting misses them:
# each reports what it used with its result.
READ_CPU = metrics.counter("baraba_scanner_read_cpu_seconds_total", "CPU seconds of the reading child processes")


@dataclass
class Document:
    kind: str  # pdf | png | jpeg | tiff
    source: str  # text_layer | ocr | none
    pages: list[Page]

    @property
    def text(self) -> str:
        return "\n".join(" ".join(w.text for w in p.words) for p in self.pages)


class UnreadableFile(InvalidArgument):
    """Bytes that are no PDF or image we can open: the caller's mistake, not ours."""

    def __init__(self, description: str, reason: str = "UNREADABLE_FILE"):
        super().__init__(FieldViolation("file", description), reason=reason)
        self.description = description


def sniff(data: bytes) -> str:
    """The kind of file by its first bytes (the declared content type is only a hint)."""
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    raise UnreadableFile("is not a PDF, PNG, JPEG or TIFF file")


def ocr_available() -> bool:
    return shutil.which("tesseract") is not None


@dataclass(frozen=True)
class Band:
    """A strip of a page to OCR again as one block of text (a table): between `top` and `bottom`
    (fractions of the page's height at its left edge), its edges dropping `slope` per width
    as the page's lines do."""

    top: float
    bottom: float
    slope: float


@dataclass(frozen=True)
class Tables:
    """How to find the tables of an OCR'd page (strips to read again, see ocr_bands) and how
    good a page's reading of them is (the better reading is kept)."""

    bands: Callable[[Page], list[Band]]
    score: Callable[[Page], float]
    # Whether the page's table has words that look like Bulgarian read with English letters
    # ('Ka6en' for Кабел): then its band is also read in Bulgarian alone.
    doubtful: Callable[[Page], bool] = lambda page: False
    # Whether the page's tables read whole already (every row adds up, and so do the rows): then
    # they are not read again, which would only cost time.
    settled: Callable[[Page], bool] = lambda page: False
    # The words of the table rows that read whole already: left out of a band's second reading,
    # whose time goes with the text it holds.
    sound: Callable[[Page], list[Word]] = lambda page: []


async def read(data: bytes, tables: Tables | None = None) -> Document:
    """Words of every page. Raises UnreadableFile for bytes that are not a document. With
    `tables`, an OCR'd page's tables are read a second way and the better reading kept."""
    kind = sniff(data)
    if kind == "pdf":
        pages, scanned = await bounded(_pdf_text_layer, data)
        TEXT_PAGES.inc(len(pages) - len(scanned))
        if not scanned:
            return Document(kind, "text_layer" if any(p.words for p in pages) else "none", pages)
        images = await bounded(_render_pdf_pages, data, scanned)
        for page in await _ocr_pages(images, tables):
            pages[page.number - 1] = page
        source = "ocr" if any(p.words for p in pages) else "none"
        return Document(kind, source, pages)
    pages = await _ocr_pages(await bounded(_image_pages, data), tables)
    return Document(kind, "ocr" if any(p.words for p in pages) else "none", pages)


async def _ocr_pages(images: list[tuple[int, bytes]], tables: Tables | None) -> list[Page]:
    """The page images OCR'd, PAGES_AT_ONCE at a time: they do not depend on each other, and the
    user waits for the whole file."""
    turn = asyncio.Semaphore(PAGES_AT_ONCE)

    async def one(number: int, png: bytes) -> Page:
        async with turn:
            page = await ocr_bands(png, await ocr_page(png, number), tables)
        OCR_PAGES.inc()
        return page

    tasks = [asyncio.create_task(one(number, png)) for number, png in images]
    try:
        return list(await asyncio.gather(*tasks))
    finally:  # one page failed: the others' Tesseracts are not left running
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def ocr_bands(png: bytes, page: Page, tables: Tables | None) -> Page:
    """The page with the words of each table's band read again as one uniform block (Tesseract's
    page segmentation mode 6), where that reads the table better. The whole-page mode finds text
    blocks first, and in a table without a grid it now and then drops a narrow column; read as
    one block, the rows come out whole (but a grid comes out as letters: the judge decides). The
    band's outside is painted white, so no part of a neighbouring line is read, and so are the
    rows that read whole already (Tables.sound), which keep their first reading: Tesseract's time
    goes with the text it is given, and those rows can only lose. A page on which no table header
    was read is read whole in mode 6, for the table's band. Where the table still has Bulgarian
    words read with English letters, the same cut of its band is read in Bulgarian alone, and
    only its words off the rows sound by then are taken. A page whose tables read whole at the
    first go (Tables.settled) is not read again."""
    if tables is None or not page.words or tables.settled(page):
        return page
    bands, whole = tables.bands(page), None
    if not bands:  # no table header read: it may be in what the whole-page mode dropped
        whole = await ocr_page(png, page.number, psm=6)
        bands = tables.bands(whole)
    for band in bands:

        def inside(w: Word, band: Band = band) -> bool:
            edge = band.slope * (w.x0 + w.x1) / 2
            return band.top + edge <= (w.y0 + w.y1) / 2 <= band.bottom + edge

        if whole is not None:
            page = _better(tables, page, {w for w in page.words if inside(w)}, [w for w in whole.words if inside(w)])
            continue
        sound: set[Word] = set()
        for languages in (OCR_LANGUAGES, "bul"):
            if languages != OCR_LANGUAGES and not tables.doubtful(page):
                break
            sound |= {w for w in tables.sound(page) if inside(w)}
            if languages == OCR_LANGUAGES:  # one cut for both readings: a cut costs as much as a few rows read
                image, offset = await bounded(_band_image, png, band, list(sound))
            found = await ocr_page(image, page.number, psm=6, languages=languages)
            sx, sy = found.width / page.width, found.height / page.height
            moved = [Word(w.text, w.x0 * sx, w.y0 * sy + offset, w.x1 * sx, w.y1 * sy + offset, w.confidence) for w in found.words]
            fresh = [w for w in moved if inside(w) and not any(_covers(s, w) for s in sound)]
            page = _better(tables, page, {w for w in page.words if inside(w) and w not in sound}, fresh)
    return page


def _better(tables: Tables, page: Page, replaced: set[Word], words: list[Word]) -> Page:
    """The page with `words` in place of its words `replaced`, if that reads its table better."""
    again = Page(page.number, page.width, page.height, [w for w in page.words if w not in replaced] + words)
    return again if tables.score(again) > tables.score(page) else page


def _covers(word: Word, other: Word) -> bool:
    """Whether `other`'s middle is within `word`'s box: what is left of a painted-out word."""
    return word.x0 <= (other.x0 + other.x1) / 2 <= word.x1 and word.y0 <= (other.y0 + other.y1) / 2 <= word.y1


def _band_image(png: bytes, band: Band, left_out: list[Word]) -> tuple[bytes, float]:
    """The band cut from the page image, white outside it and over the words `left_out`, and its
    top as a fraction of the page."""
    from PIL import Image, ImageDraw

    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    edges = [band.top, band.top + band.slope, band.bottom + band.slope, band.bottom]
    y0 = max(0, int(min(edges) * height))
    y1 = min(height, int(max(edges) * height) + 1)
    mask = Image.new("L", (width, y1 - y0), 0)
    corners = [(0, band.top), (width, band.top + band.slope), (width, band.bottom + band.slope), (0, band.bottom)]
    draw = ImageDraw.Draw(mask)
    draw.polygon([(x, y * height - y0) for x, y in corners], fill=255)
    for w in left_out:  # a few pixels more: the box is tight on the ink, JPEG's halo is not
        draw.rectangle((w.x0 * width - 3, w.y0 * height - y0 - 3, w.x1 * width + 3, w.y1 * height - y0 + 3), fill=0)
    white = Image.new("L", mask.size, 255)
    return _png(Image.composite(image.crop((0, y0, width, y1)), white, mask)), y0 / height


def _preload() -> list[str]:
    """What the fork server imports once. Every child runs the program's main module again (so
    multiprocessing finds what it defines): preloaded, its imports are done already, where they
    cost a child 0.4 s of CPU each time ('__main__' covers a script, its name a `python -m`)."""
    # (runpy then warns that the main module is loaded already: it is, on purpose.)
    warnings.filterwarnings("ignore", r".* found in sys\.modules after import of package", RuntimeWarning)
    main = getattr(sys.modules["__main__"].__spec__, "name", None)
    modules = [__name__, "pdfplumber", "pypdfium2", "PIL.Image", "__main__"]
    return [*modules, main] if main and not main.endswith("__main__") else modules


_workers = multiprocessing.get_context("forkserver")
_workers.set_forkserver_preload(_preload())


async def bounded(function: Callable[..., Any], *args: Any) -> Any:
    """function(*args) in a child process with READ_MEMORY_MB of address space and READ_SECONDS
    of CPU time. UnreadableFile for a file that breaks either limit or cannot be read."""
    receiver, sender = _workers.Pipe(duplex=False)
    child = _workers.Process(target=_run_bounded, args=(sender, function.__name__, args), daemon=True)
    await asyncio.to_thread(child.start)  # hands the file to the child: not on the event loop
    sender.close()
    loop = asyncio.get_running_loop()
    readable = loop.create_future()
    loop.add_reader(receiver.fileno(), lambda: None if readable.done() else readable.set_result(None))
    try:
        try:
            await asyncio.wait_for(readable, READ_SECONDS * 4)
        except TimeoutError:
            raise _over_limit("time") from None
        # uvloop's add_reader leaves the pipe non-blocking; the recv below waits in a thread.
        loop.remove_reader(receiver.fileno())
        os.set_blocking(receiver.fileno(), True)
        try:
            outcome, value, cpu = await asyncio.to_thread(receiver.recv)
            READ_CPU.inc(cpu)
        except EOFError:  # killed: by the CPU limit, or by a crash where memory ran out
            outcome, value = ("time" if child.exitcode == -signal.SIGXCPU else "memory"), None
    finally:
        loop.remove_reader(receiver.fileno())
        receiver.close()
        if child.is_alive():
            child.kill()
        await asyncio.to_thread(child.join)
    if outcome == "ok":
        return value
    if outcome == "unreadable":
        raise UnreadableFile(value)
    raise _over_limit(outcome)


def _over_limit(which: str) -> UnreadableFile:
    if which == "time":
        return UnreadableFile(f"takes more than {READ_SECONDS:g} s of CPU to read (BARABA_SCANNER_READ_SECONDS)", reason="FILE_TOO_COMPLEX")
    return UnreadableFile(f"needs more than {READ_MEMORY_MB} MB to read (BARABA_SCANNER_READ_MEMORY_MB)", reason="FILE_TOO_COMPLEX")


def _run_bounded(sender, name: str, args: tuple) -> None:
    limit = READ_MEMORY_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    seconds = max(1, int(READ_SECONDS))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    try:
        result: tuple[str, Any] = ("ok", globals()[name](*args))
    except UnreadableFile as exc:
        result = ("unreadable", exc.description)
    except MemoryError:
        result = ("memory", None)
    except Exception as exc:
        # Any other failure of a parser on hostile bytes; some parsers wrap a MemoryError.
        wrapped = isinstance(exc.__cause__ or exc.__context__, MemoryError)
        result = ("memory", None) if wrapped else ("unreadable", f"is not a readable file ({type(exc).__name__})")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    sender.send((*result, usage.ru_utime + usage.ru_stime))
    sender.close()


_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_PIECE = 64 * 1024


def check_inflated_size(data: bytes) -> None:
    """Inflates every zlib stream of a PDF piece by piece, keeping nothing, and refuses the
    file once the total passes MAX_INFLATED_MB. Streams that are not zlib are skipped (the
    parser judges them; the memory and time limits still hold)."""
    limit, total = MAX_INFLATED_MB * 1024 * 1024, 0
    view = memoryview(data)
    for start in _STREAM_START.finditer(data):
        inflater = zlib.decompressobj()
        at = start.end()
        try:
            while not inflater.eof and at < len(data):
                pending: bytes | memoryview = view[at : at + _PIECE]
                at += _PIECE
                while pending:
                    total += len(inflater.decompress(pending, _PIECE))
                    if total > limit:
                        raise UnreadableFile(
                            f"inflates to more than {MAX_INFLATED_MB} MB (BARABA_SCANNER_MAX_INFLATED_MB)", reason="FILE_TOO_COMPLEX"
                        )
                    pending = inflater.unconsumed_tail
        except zlib.error:
            continue


def _pdf_text_layer(data: bytes) -> tuple[list[Page], list[int]]:
    """The text layer's words per page, and the numbers of the pages that have (almost) none
    and so need OCR."""
    check_inflated_size(data)
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableFile(f"is not a readable PDF ({type(exc).__name__})") from None
    pages, scanned = [], []
    try:
        try:
            pdf_pages = pdf.pages
        except MemoryError:
            raise
        except Exception:  # pdfminer raises many kinds on a broken page tree
            raise UnreadableFile("is not a readable PDF (broken page tree)") from None
        if len(pdf_pages) > MAX_PAGES:
            raise UnreadableFile(f"has {len(pdf_pages)} pages; an invoice may have at most {MAX_PAGES}")
        for number, pdf_page in enumerate(pdf_pages, 1):
            width, height = float(pdf_page.width), float(pdf_page.height)
            page = Page(number, width, height)
            try:
                words = pdf_page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)
            except MemoryError:
                raise
            except Exception:
                words = []
            page.words = [Word(w["text"], w["x0"] / width, w["top"] / height, w["x1"] / width, w["bottom"] / height, 1.0) for w in words]
            if sum(len(w.text) for w in page.words) < MIN_TEXT_CHARS:
                page.words = []
                if pdf_page.images:
                    scanned.append(number)
            pages.append(page)
    finally:
        pdf.close()
    return pages, scanned


def _render_pdf_pages(data: bytes, numbers: list[int]) -> list[tuple[int, bytes]]:
    import pypdfium2

    doc = pypdfium2.PdfDocument(data)
    try:
        out = []
        for number in numbers:
            page = doc[number - 1]
            width, height = page.get_size()
            scale = min(OCR_DPI / 72, (MAX_RENDER_PIXELS / max(width * height, 1)) ** 0.5)
            image = page.render(scale=scale, grayscale=True).to_pil()
            out.append((number, _png(image)))
        return out
    finally:
        doc.close()


def _image_pages(data: bytes) -> list[tuple[int, bytes]]:
    """Every frame of an image (a TIFF may hold several pages) as a grey PNG for Tesseract."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = 12_000 * 12_000  # an A3 page at 600 dpi; refuses decompression bombs
    try:
        image = Image.open(io.BytesIO(data))
        frames = []
        for number, frame in enumerate(ImageSequence.Iterator(image), 1):
            if number > MAX_PAGES:
                raise UnreadableFile(f"has more than {MAX_PAGES} pages")
            frames.append((number, _png(frame.convert("L"))))
        return frames
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableFile(f"is not a readable image ({type(exc).__name__})") from None


def _png(image) -> bytes:
    """The image for Tesseract. The fastest compression: a noisy scanned page took 0.37 s of CPU
    at the default level, 0.12 s at this one, and is a third larger."""
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(OCR_DPI, OCR_DPI), compress_level=1)
    return out.getvalue()


async def ocr_page(png: bytes, number: int, psm: int = 3, languages: str = OCR_LANGUAGES) -> Page:
    """Tesseract's words of one page image (TSV output: level, ..., left, top, width, height,
    conf, text); psm is Tesseract's page segmentation mode (3: find the blocks, 6: one block)."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core per page; pages and uploads run side by side
    process = await asyncio.create_subprocess_exec(
        "tesseract",
        "stdin",
        "stdout",
        "-l",
        languages,
        "--psm",
        str(psm),
        "--dpi",
        str(OCR_DPI),
        "tsv",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(png), OCR_TIMEOUT_SECONDS)
    except BaseException:  # cancelled or timed out: the OCR must not run on without us
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    if process.returncode != 0:
        log.warning("tesseract failed on page %d: %s", number, err.decode(errors="replace")[-300:])
        return Page(number, 1, 1)
    return parse_tsv(out.decode("utf-8", errors="replace"), number)


def parse_tsv(tsv: str, number: int) -> Page:
    rows = [line.split("\t") for line in tsv.splitlines()[1:]]
    page_row = next((r for r in rows if r[0] == "1"), None)
    width, height = (float(page_row[8]), float(page_row[9])) if page_row else (1.0, 1.0)
    page = Page(number, width, height)
    for r in rows:
        if len(r) < 12 or r[0] != "5" or not r[11].strip():
            continue
        left, top, w, h, conf = (float(v) for v in r[6:11])
        page.words.append(Word(r[11].strip(), left / width, top / height, (left + w) / width, (top + h) / height, max(conf, 0) / 100))
    return page
