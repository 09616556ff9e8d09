"""The printable sheet of a survey's unused links: one QR code per link, with the organization and closing date."""
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from exports.pdf import build_pdf, para, styles
from surveys.questionnaires import KIND_LABELS

COLUMNS = 3
QR_SIZE = 150


def _qr(url: str) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def qr_sheet(org_name: str, kind: str, closes: str, urls: list[str]) -> bytes:
    """A4 pages of QR codes, three to a row, each captioned; `closes` is the local closing date in words."""
    st = styles()
    caption = st["base"]
    head = [para(org_name, st["title"]),
            para(f"Анонимный опрос {KIND_LABELS[kind]} об удовлетворённости участием в программе наставничества.",
                 caption),
            para(f"Ответы принимаются до {closes} включительно. Каждый код — для одного участника: отсканируйте его "
                 "камерой телефона и ответьте на вопросы анкеты.", caption),
            Spacer(1, 10)]
    cells: list[list] = []
    for number, url in enumerate(urls, start=1):
        cell = [_qr(url), Paragraph(f"Анкета № {number}", st["center"])]
        if not cells or len(cells[-1]) == COLUMNS:
            cells.append([])
        cells[-1].append(cell)
    if cells:
        cells[-1] += [""] * (COLUMNS - len(cells[-1]))
        table = Table(cells, colWidths=[180] * COLUMNS)
        table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 14)]))
        head.append(table)
    else:
        head.append(para("Неиспользованных ссылок нет: добавьте ссылки на странице опросов.", caption))
    return build_pdf(head, pagesize=A4, title=f"QR-коды опроса — {org_name}",
                     footer=f"{org_name}: опрос {KIND_LABELS[kind]} до {closes}")
