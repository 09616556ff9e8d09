"""What an irreversible action will do, said before the click: the confirmation pages' consequences.

Each function returns the consequence sentences and the units named by them; the views show them on a GET page
whose POST form performs the action (works without JavaScript).
"""
from dataclasses import dataclass, field

from deadlines.models import Campaign
from hierarchy.models import Municipality, Organization
from monitoring import aggregation, snapshots
from registry.core.wording import plural_ru


@dataclass
class Consequences:
    title: str
    lines: list[str]
    #: Units named by the consequences (shown as a list under them).
    units: list[dict] = field(default_factory=list)


def _organizations(n: int) -> str:
    return f"{n} {plural_ru(n, 'организация', 'организации', 'организаций')}"


def municipal_submit(campaign: Campaign, municipality: Municipality) -> Consequences:
    missing = aggregation.not_accepted(campaign, municipality.id)
    lines = ["Будет зафиксирован срез принятых данных организаций; изменить его можно будет, только если регион "
             "вернёт отчёт на доработку.",
             "Отчёт уйдёт на проверку региональному оператору; он получит уведомление."]
    if missing:
        verb = plural_ru(len(missing), "не принята и войдёт", "не приняты и войдут", "не приняты и войдут")
        lines.append(f"{_organizations(len(missing))} {verb} в список отсутствующих:")
    else:
        lines.append("Все организации муниципалитета приняты: список отсутствующих будет пуст.")
    return Consequences(f"Отправить муниципальный отчёт «{municipality.name}» в регион?", lines, missing)


def consolidation(campaign: Campaign) -> Consequences:
    missing = snapshots.region_missing(campaign)
    lines = ["Будет зафиксирован срез региона: принятые муниципальные отчёты и принятые отчёты организаций, "
             "подчинённых региону. Зафиксированный срез не меняется; повторная консолидация создаст новую версию."]
    if missing:
        lines.append(f"Не приняты и войдут в список отсутствующих: {len(missing)}:")
    else:
        lines.append("Все муниципальные отчёты и отчёты организаций приняты: список отсутствующих будет пуст.")
    return Consequences(f"Консолидировать данные региона за {campaign.year} год?", lines, missing)


def accept_submission(campaign: Campaign, organization: Organization) -> Consequences:
    return Consequences(
        f"Принять отчёт «{organization.name}»?",
        [f"Отчёт за {campaign.year} год будет принят: организация больше не сможет его изменить.",
         "Данные войдут в муниципальный отчёт (или сводку региона) при его отправке.",
         "Вернуть отчёт на проверку сможет только проверяющий (кнопка «Переоткрыть»); куратор получит уведомление."])
