"""The region registry's tables as rows of text: one definition for the page, CSV and XLSX (PRODUCT.md §9).

Mentee names reach only a viewer whose scope holds the mentee; the СНИЛС is masked outside its organization."""
from registry.auth.models import User
from registry.mentoring import access
from registry.mentoring.models import Mentee, Mentor, MentoringPair, Partner
from registry.mentoring.vocab import (
    FORM_LABELS,
    MENTEE_CATEGORY_LABELS,
    MENTOR_CATEGORY_LABELS,
    PAIR_STATUS_LABELS,
    PARTNER_KIND_LABELS,
    PARTNER_STATUS_LABELS,
    UNKNOWN_PARTNER_KIND,
    forms_of,
)

HEADERS = {
    "mentors": ("ФИО", "Организация", "Муниципалитет", "Категория", "Формы", "СНИЛС", "Состояние"),
    "mentees": ("ФИО", "Организация", "Муниципалитет", "Категория", "Полный цикл пройден", "СНИЛС", "Состояние"),
    "pairs": ("Пара", "Организация", "Форма", "Наставники", "Наставляемые", "Состояние", "Межорганизационная"),
    "partners": ("Наименование", "ИНН", "Вид", "Публикация"),
}
TITLES = {"mentors": "Наставники", "mentees": "Наставляемые", "pairs": "Пары и группы", "partners": "Партнёры"}


def _state(record) -> str:
    return "выбыл " + record.left_on.strftime("%d.%m.%Y") if record.left_on else "участвует"


def row(user: User, kind: str, record) -> list[str]:
    if kind == "mentors":
        r: Mentor = record
        return [r.full_name, r.organization.name, r.organization.location.name, MENTOR_CATEGORY_LABELS[r.category],
                "; ".join(FORM_LABELS[f] for f in forms_of(r.forms)), access.snils_for(user, r) or "", _state(r)]
    if kind == "mentees":
        m: Mentee = record
        return [m.full_name, m.organization.name, m.organization.location.name, MENTEE_CATEGORY_LABELS[m.category],
                "да" if m.full_cycle_completed else "нет", access.snils_for(user, m) or "", _state(m)]
    if kind == "pairs":
        p: MentoringPair = record
        mentees = p.current_mentees
        shown = [m.full_name for m in mentees if access.can_view_records(user, m.organization)]
        hidden = len(mentees) - len(shown)
        names = ", ".join(shown) + (f"{', ' if shown else ''}ещё {hidden} (вне вашей области)" if hidden else "")
        cross = sorted({m.organization.name for m in p.current_mentors if m.organization_id != p.organization_id})
        return [p.code or f"№ {p.id}", p.organization.name, FORM_LABELS[p.form],
                ", ".join(m.full_name for m in p.current_mentors), names, PAIR_STATUS_LABELS[p.status],
                ("наставник: " + ", ".join(cross)) if cross else ""]
    partner: Partner = record
    return [partner.name, partner.inn, PARTNER_KIND_LABELS[partner.kind] if partner.kind else UNKNOWN_PARTNER_KIND,
            PARTNER_STATUS_LABELS[partner.status]]
