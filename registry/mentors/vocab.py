"""The 003 §5.3 criteria of a mentor's work and their scale; quarters of the year."""
from datetime import date

#: «Критерии оценки работы наставников» (003 §5.3), in the order of the text.
CRITERIA = {
    "project_culture": "Повышение проектной культуры наставляемых (по итогам проекта)",
    "attendance": "Качественный результат посещаемости творческих кружков, объединений, спортивных секций, "
                  "внеурочных мероприятий",
    "projects": "Количественный и качественный рост успешно реализованных образовательных и творческих проектов",
    "activity": "Активность наставляемых в научной, спортивной, культурно-массовой, общественной деятельности "
                "(по портфолио: конкурсы, олимпиады, соревнования и их результаты)",
}
#: §5.3 names no scale; the organization's formalized report uses this one (0 — no result, 3 — fully achieved).
SCALE = {0: "не проявлено", 1: "проявлено слабо", 2: "проявлено в основном", 3: "проявлено полностью"}
#: The formalized report's three parts (§5.3: process, the mentee's progress, the mentor's work) and a conclusion.
REPORT_PARTS = {"process": "Процесс прохождения наставничества", "progress": "Прогресс наставляемого",
                "mentor_work": "Работа наставника", "conclusion": "Вывод и поощрение"}
QUARTER_NAMES = {1: "I квартал", 2: "II квартал", 3: "III квартал", 4: "IV квартал"}


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    """The first day after the quarter (its closing instant is that day's local midnight)."""
    return date(year + 1, 1, 1) if quarter == 4 else date(year, quarter * 3 + 1, 1)
