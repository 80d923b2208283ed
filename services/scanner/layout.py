"""Words with positions grouped the way a reader sees a page: lines (words whose middles sit at
one height), cells (runs of a line that a wide gap separates: columns) and blocks (the lines
under a heading, cut to its column). Positions are fractions of the page, top-left origin, so
a text layer and an OCR'd image look the same here."""

import statistics
from dataclasses import dataclass, field

from services.scanner.reading import Page, Word


@dataclass
class Line:
    page: int
    words: list[Word]
    text: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self):
        parts, pos = [], 0
        for i, word in enumerate(self.words):
            sep = "" if i == 0 else ("   " if is_column_gap(self.words[i - 1], word) else " ")
            pos += len(sep)
            parts.append(sep + word.text)
            self.spans.append((pos, pos + len(word.text)))
            pos += len(word.text)
        self.text = "".join(parts)

    def words_in(self, start: int, end: int) -> list[Word]:
        return [w for w, (a, b) in zip(self.words, self.spans, strict=True) if a < end and b > start] or self.words

    def x_at(self, offset: int) -> float:
        """The left edge of the word at character `offset`."""
        for w, (_, b) in zip(self.words, self.spans, strict=True):
            if b > offset:
                return w.x0
        return self.x1

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.y1 for w in self.words)

    @property
    def height(self) -> float:
        return statistics.median(w.y1 - w.y0 for w in self.words)

    @property
    def confidence(self) -> float:
        return min(w.confidence for w in self.words)


def is_column_gap(left: Word, right: Word) -> bool:
    height = max(left.y1 - left.y0, right.y1 - right.y0)
    return right.x0 - left.x1 > 1.6 * height


def skew(words: list[Word]) -> float:
    """How far a line drops per unit of width (in page fractions): the median slope between
    neighbouring words of one line. A scan fed in at an angle has its lines slope; 0 for a
    text layer."""
    ordered = sorted(words, key=lambda w: w.x0)
    slopes = []
    for i, word in enumerate(ordered):
        height = word.y1 - word.y0
        middle = (word.y0 + word.y1) / 2
        for other in ordered[i + 1 : i + 40]:
            if other.x0 - word.x1 > 1.5 * height:
                break
            if other.x0 >= word.x1 - 0.002 and abs((other.y0 + other.y1) / 2 - middle) < 0.5 * height:
                dx = (other.x0 + other.x1 - word.x0 - word.x1) / 2
                if dx > 0:
                    slopes.append(((other.y0 + other.y1) / 2 - middle) / dx)
                break
    return statistics.median(slopes) if len(slopes) >= 8 else 0.0


def lines_of(page: Page) -> list[Line]:
    """The page's lines, top to bottom. Words join the line whose last word sits at their
    height, once the page's skew is taken out (a scan's lines slope by up to a few degrees,
    which over a page's width is more than a line's height)."""
    slope = skew(page.words)

    def middle(w: Word) -> float:
        return (w.y0 + w.y1) / 2 - slope * (w.x0 + w.x1) / 2

    words = sorted(page.words, key=lambda w: (w.x0 + w.x1) / 2)
    lines: list[list[Word]] = []
    for word in words:
        height = word.y1 - word.y0
        best, best_distance = None, None
        for candidate in lines:
            last = candidate[-1]
            distance = abs(middle(last) - middle(word))
            # Overlapping boxes (OCR's "/" against the word before it) still make one line.
            if distance < 0.25 * (height + last.y1 - last.y0) and (best_distance is None or distance < best_distance):
                best, best_distance = candidate, distance
        if best is None:
            lines.append([word])
        else:
            best.append(word)
    ordered = sorted(lines, key=lambda ws: statistics.fmean(middle(w) for w in ws))
    return [Line(page.number, ws) for ws in ordered]


def cells(line: Line) -> list[Line]:
    """The line cut at its column gaps."""
    parts, current = [], [line.words[0]]
    for prev, word in zip(line.words, line.words[1:], strict=False):
        if is_column_gap(prev, word):
            parts.append(current)
            current = []
        current.append(word)
    parts.append(current)
    return [Line(line.page, p) for p in parts]


def cut(line: Line, left: float, right: float) -> Line | None:
    """The part of `line` whose words start within [left, right)."""
    inside = [w for w in line.words if left <= w.x0 < right]
    return Line(line.page, inside) if inside else None
