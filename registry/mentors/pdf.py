"""The year-end evaluation of a mentor as a PDF: the formalized report and the 003 §5.3 criteria with scores."""
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Spacer, Table, TableStyle

from exports.pdf import build_pdf, para, styles
from registry.mentoring.models import Mentor
from registry.mentors.models import YearEvaluation
from registry.mentors.vocab import CRITERIA, REPORT_PARTS, SCALE


def evaluation_pdf(mentor: Mentor, evaluation: YearEvaluation) -> bytes:
    st = styles()
    org = mentor.organization.name
    story = [para(f"Формализованный отчёт и оценка работы наставника за {evaluation.year} год", st["title"]),
             para(f"Организация: {org}", st["base"]), para(f"Наставник: {mentor.full_name}", st["base"]),
             Spacer(1, 8), para("Критерии оценки работы наставника", st["h2"])]
    scale = "; ".join(f"{score} — {label}" for score, label in SCALE.items())
    rows = [[para("Критерий", st["head"]), para("Оценка", st["head"])]]
    for code, label in CRITERIA.items():
        score = evaluation.scores.get(code)
        rows.append([para(label, st["cell"]), para(f"{score} — {SCALE[score]}" if score is not None else "—",
                                                   st["cell"])])
    table = Table(rows, colWidths=[360, 150], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#777777"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, para(f"Шкала: {scale}.", st["small"])]
    for name, label in REPORT_PARTS.items():
        story += [para(label, st["h2"]), para(getattr(evaluation, name) or "—", st["base"])]
    return build_pdf(story, pagesize=A4, title=f"Оценка наставника — {mentor.full_name}, {evaluation.year}",
                     footer=f"{org}: оценка наставника за {evaluation.year} год")
