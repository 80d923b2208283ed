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


def lines_of(page: Page) -> list[Line]:
    """The page's lines, top to bottom; a skewed scan's line still groups by its words' middles
    (each word joins the line whose last word is nearest in height)."""
    words = sorted(page.words, key=lambda w: (w.x0 + w.x1) / 2)
    lines: list[list[Word]] = []
    for word in words:
        middle, height = (word.y0 + word.y1) / 2, word.y1 - word.y0
        best, best_distance = None, None
        for candidate in lines:
            last = candidate[-1]
            distance = abs((last.y0 + last.y1) / 2 - middle)
            limit = 0.5 * min(height, last.y1 - last.y0) if word.x0 - last.x1 < 0.5 else 0
            if distance < limit and (best_distance is None or distance < best_distance) and last.x1 <= word.x0 + 0.002:
                best, best_distance = candidate, distance
        if best is None:
            lines.append([word])
        else:
            best.append(word)
    ordered = sorted(lines, key=lambda ws: statistics.fmean((w.y0 + w.y1) / 2 for w in ws))
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
