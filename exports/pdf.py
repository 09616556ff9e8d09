"""What every PDF shares: a Cyrillic TTF registered once, paragraph styles, and a canvas that numbers pages
«Страница N из M» and prints a footer line on each. Documents are built with `invariant=1`, so the same input
gives the same bytes (no random document id) — apart from the creation date, which is the clock's, in the region's
time."""
import os
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from flask import has_app_context
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from registry.core.clock import now_utc
from registry.core.errors import DomainError

FONT, FONT_BOLD = "RegistrySans", "RegistrySans-Bold"
#: Searched in order; REGISTRY_PDF_FONT (a path to a TTF with Cyrillic) wins. A project copy may be dropped into
#: exports/fonts/; Debian's fonts-dejavu-core provides the system one.
FONT_CANDIDATES = (
    Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf",
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
_registered: list[str] = []


class FontMissing(DomainError):
    status = 500
    code = "font_missing"


def find_font(candidates: tuple[Path, ...] = FONT_CANDIDATES) -> Path:
    """The first readable Cyrillic TTF, or FontMissing with what to install."""
    override = os.environ.get("REGISTRY_PDF_FONT")
    for path in ((Path(override),) if override else ()) + tuple(candidates):
        if path.is_file():
            return path
    raise FontMissing("Не найден шрифт с кириллицей для PDF. Установите пакет fonts-dejavu-core "
                      "(/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf), положите DejaVuSans.ttf в exports/fonts/ "
                      "или укажите путь к TTF-файлу в переменной окружения REGISTRY_PDF_FONT.")


def register_fonts() -> None:
    """Register the regular and bold faces once per process (bold falls back to regular if absent)."""
    if _registered:
        return
    regular = find_font()
    bold = regular.with_name(regular.stem + "-Bold" + regular.suffix)
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold if bold.is_file() else regular)))
    _registered.append(str(regular))


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15, alignment=1,
                                spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=10, leading=13, spaceBefore=8,
                             spaceAfter=4),
        "center": ParagraphStyle("center", parent=base, alignment=1),
        "head": ParagraphStyle("head", parent=base, fontSize=7.5, leading=9, alignment=1),
        "bold": ParagraphStyle("bold", parent=base, fontName=FONT_BOLD),
        "warning": ParagraphStyle("warning", parent=base, fontName=FONT_BOLD, textColor=colors.HexColor("#9c2a12"),
                                  borderColor=colors.HexColor("#9c2a12"), borderWidth=0.8, borderPadding=4,
                                  spaceBefore=4, spaceAfter=8),
    }


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: names may contain & < >)."""
    return Paragraph(escape(text), style)


def creation_date(now: datetime, tz: str) -> str:
    """The PDF date of `now` in the region's time: «D:20261203184500+10'00'»."""
    local = now.astimezone(ZoneInfo(tz))
    offset = int((local.utcoffset() or timedelta(0)).total_seconds()) // 60
    sign = "+" if offset >= 0 else "-"
    return local.strftime("D:%Y%m%d%H%M%S") + f"{sign}{abs(offset) // 60:02d}'{abs(offset) % 60:02d}'"


def _region_zone() -> str:
    """The region's zone (one installation serves one region); UTC outside the application."""
    if not has_app_context():
        return "UTC"
    from hierarchy.queries import user_timezone
    from registry.extensions import db
    with db.session.no_autoflush:  # a caller may hold half-built rows (a stored form being written)
        return user_timezone(None)


def numbered_canvas(footer: str, created: str | None = None):
    """A canvas class that prints `footer` and «Страница N из M» at the bottom of every page, and dates the
    document `created` (invariant mode would date it 1 January 2000)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []
            if created:
                self.setDateFormatter(lambda *_ts: created)

        def showPage(self):  # noqa: N802 - reportlab's API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                width = self._pagesize[0]
                self.setFont(FONT, 7)
                self.setFillColor(colors.HexColor("#333333"))
                self.drawString(28, 16, footer)
                self.drawRightString(width - 28, 16, f"Страница {number} из {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(flowables: list, *, pagesize, title: str, footer: str, margins: float = 28,
              created: datetime | None = None) -> bytes:
    """Lay out the flowables and return the PDF bytes (deterministic: invariant mode). The document is dated
    `created` — a form of a frozen snapshot by the snapshot's time, so its stored file and a fresh render agree —
    or else by the clock, in the region's time."""
    register_fonts()
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=pagesize, title=title, author="Региональный реестр наставничества",
                            creator="Региональный реестр наставничества", invariant=1, pageCompression=1,
                            leftMargin=margins, rightMargin=margins, topMargin=margins, bottomMargin=margins + 14)
    doc.build(flowables, canvasmaker=numbered_canvas(footer, creation_date(created or now_utc(), _region_zone())))
    return buffer.getvalue()
