"""A thin layer over reportlab for the families: fonts by family name, text anchored left,
right or centred, rules, boxes, stamps and signatures, and new pages."""

import io
import math
import random
from functools import cache

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONTS = {
    "sans": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    "serif": ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"),
    "condensed": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    ),
    "liberation": (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    "times": (
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    ),
    "mono": ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"),
    "narrow": (
        "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    ),
}
WIDTH, HEIGHT = A4


@cache
def _register(family: str) -> None:
    regular, bold = FONTS[family]
    pdfmetrics.registerFont(TTFont(f"{family}", regular))
    pdfmetrics.registerFont(TTFont(f"{family}-Bold", bold))


class Pen:
    def __init__(self, font: str = "sans", title: str = ""):
        _register(font)
        self.font = font
        self.out = io.BytesIO()
        self.c = canvas.Canvas(self.out, pagesize=A4, invariant=True)
        self.c.setTitle(title)
        self.page = 1

    def text(self, x: float, y: float, text: str, size: float = 10, bold: bool = False, align: str = "left") -> None:
        self.c.setFont(f"{self.font}-Bold" if bold else self.font, size)
        {"left": self.c.drawString, "right": self.c.drawRightString, "center": self.c.drawCentredString}[align](x, y, text)

    def width(self, text: str, size: float = 10, bold: bool = False) -> float:
        return pdfmetrics.stringWidth(text, f"{self.font}-Bold" if bold else self.font, size)

    def rule(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.6) -> None:
        self.c.setLineWidth(width)
        self.c.line(x0, y0, x1, y1)

    def box(self, x: float, y: float, w: float, h: float, width: float = 0.6) -> None:
        self.c.setLineWidth(width)
        self.c.rect(x, y, w, h)

    def stamp(self, x: float, y: float, name: str, rng: random.Random) -> None:
        """A round company stamp in blue ink, over whatever is printed there."""
        self.c.saveState()
        self.c.setStrokeColorRGB(0.2, 0.3, 0.75, alpha=0.55)
        self.c.setFillColorRGB(0.2, 0.3, 0.75, alpha=0.55)
        self.c.setLineWidth(1.6)
        r = 42 + rng.random() * 8
        self.c.circle(x, y, r)
        self.c.circle(x, y, r - 8)
        self.c.setFont(self.font, 6.5)
        self.c.drawCentredString(x, y + 2, name[:22])
        self.c.drawCentredString(x, y - 8, "ПЕЧАТ")
        self.c.restoreState()

    def signature(self, x: float, y: float, rng: random.Random) -> None:
        """A scribbled signature across a line of text."""
        self.c.saveState()
        self.c.setStrokeColorRGB(0.05, 0.1, 0.45, alpha=0.8)
        self.c.setLineWidth(1.1)
        path = self.c.beginPath()
        path.moveTo(x, y)
        for i in range(1, 9):
            path.curveTo(
                x + i * 9 - 6,
                y + 14 * math.sin(i + rng.random()),
                x + i * 9 - 3,
                y - 9 * math.cos(i * 1.7),
                x + i * 9,
                y + rng.uniform(-4, 6),
            )
        self.c.drawPath(path)
        self.c.restoreState()

    def new_page(self) -> None:
        self.c.showPage()
        self.page += 1

    def pdf(self) -> bytes:
        self.c.showPage()
        self.c.save()
        return self.out.getvalue()
