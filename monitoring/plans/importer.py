"""Bulk upload of plans by the region from XLSX (or CSV): one row per unit, one column per indicator.

Columns are headed by the indicator's name («Доля обучающихся …, %»); a header starting with its code («R2» or
«R2. Доля …», files made from earlier templates) is accepted too.

All or nothing, like the other imports: every row and cell is checked first (registry.core.tabular's reader and
its RowError/TableRejected), and only a file without a single error changes anything.
"""
import csv
import io
import re

import openpyxl
import sqlalchemy as sa

from deadlines.models import Campaign
from deadlines.windows import is_open, last_day_label
from hierarchy.models import Municipality, Organization
from monitoring.indicators import INDICATOR_BY_CODE
from monitoring.models import CampaignMember
from monitoring.plans import services
from monitoring.plans.access import PlanUnit
from monitoring.plans.models import PLAN_CODES
from registry.auth.models import User
from registry.core.tabular import RowError, TableRejected, read_table
from registry.extensions import db

UNIT_HEADER = "Код подразделения"
NAME_HEADER = "Наименование"
HEADERS = {code: f"{INDICATOR_BY_CODE[code].label}, %" for code in PLAN_CODES}
_CODE_RE = re.compile(r"^(R\d+)\b")
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}


def _folded(text: str) -> str:
    """A header compared without case, spacing or a trailing «, %» / «%»."""
    text = " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).lower()
    return re.sub(r",?\s*%$", "", text).strip()


_BY_NAME = {_folded(header): code for code, header in HEADERS.items()}


class PlanImportRejected(TableRejected):
    """The plans file was refused as a whole; nothing was changed."""

    columns = (UNIT_HEADER, NAME_HEADER, *HEADERS.values())


def template(campaign: Campaign, fmt: str = "xlsx") -> bytes:
    """The header and one row per municipality and per organization of the campaign: XLSX, or CSV as Russian Excel
    reads it (UTF-8 with BOM, `;`)."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([UNIT_HEADER, NAME_HEADER, *HEADERS.values()])
        for code, name in _units(campaign):
            writer.writerow([code, _text(name)])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = f"Планы {campaign.year}"
    sheet.append([UNIT_HEADER, NAME_HEADER, *HEADERS.values()])
    for code, name in _units(campaign):
        sheet.append([code, _text(name)])
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 18, 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text(value: str) -> str:
    """Text cells never start a formula (CSV/XLSX injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _units(campaign: Campaign) -> list[tuple[str, str]]:
    municipalities = db.session.execute(sa.select(Municipality.code, Municipality.name).where(
        Municipality.region_id == campaign.region_id).order_by(Municipality.code)).all()
    organizations = db.session.execute(
        sa.select(Organization.code, Organization.name).join(CampaignMember,
                                                             CampaignMember.organization_id == Organization.id)
        .where(CampaignMember.campaign_id == campaign.id).order_by(Organization.code)).all()
    return [tuple(r) for r in (*municipalities, *organizations)]


def _columns(line: int, header: list[str]) -> tuple[int | None, dict[int, str], list[RowError]]:
    """Position of the unit code column and position → plan code for the target columns."""
    unit_at, codes, errors = None, {}, []
    for i, raw in enumerate(header):
        name = raw.lstrip("\ufeff").strip()
        match = _CODE_RE.match(name)
        code = _BY_NAME.get(_folded(name)) or (match.group(1) if match and match.group(1) in PLAN_CODES else None)
        if name.lower() == UNIT_HEADER.lower():
            unit_at = i
        elif code is not None:
            if code in codes.values():
                errors.append(RowError(line, name, f"Столбец показателя «{HEADERS[code]}» указан дважды."))
            codes[i] = code
        elif name and name.lower() != NAME_HEADER.lower():
            errors.append(RowError(line, name, f"Неизвестный столбец «{name}»: допустимы «{UNIT_HEADER}», "
                                               f"«{NAME_HEADER}» и столбцы показателей, как в шаблоне."))
    if unit_at is None:
        errors.append(RowError(line, UNIT_HEADER, f"Нет столбца «{UNIT_HEADER}»: первая строка — заголовок, "
                                                  "как в шаблоне."))
    return unit_at, codes, errors


def _find_unit(campaign: Campaign, code: str) -> PlanUnit | None:
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.code == code,
                                                                   Municipality.region_id == campaign.region_id))
    if municipality is not None:
        return municipality
    return db.session.scalar(sa.select(Organization).join(
        CampaignMember, CampaignMember.organization_id == Organization.id).where(
        Organization.code == code, CampaignMember.campaign_id == campaign.id))


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return None


def parse(campaign: Campaign, data: bytes, filename: str | None, now) -> list[tuple[PlanUnit, dict[str, float]]]:
    """Every row as (unit, targets); raises PlanImportRejected listing every problem by line and column."""
    try:
        table = [(line, [v.strip() for v in values]) for line, values in read_table(data, filename)
                 if any(v.strip() for v in values)]
    except TableRejected as exc:
        raise PlanImportRejected(exc.errors) from exc
    if not table:
        raise PlanImportRejected([RowError(None, "", "В файле нет ни заголовка, ни данных.")])
    (header_line, header), rows = table[0], table[1:]
    unit_at, codes, errors = _columns(header_line, header)
    if errors:
        raise PlanImportRejected(errors)
    if not rows:
        raise PlanImportRejected([RowError(None, "", "В файле только заголовок: нет ни одной строки данных.")])
    parsed, seen = [], {}
    for line, values in rows:
        code = values[unit_at] if unit_at < len(values) else ""
        unit = _find_unit(campaign, code) if code else None
        if unit is None:
            errors.append(RowError(line, UNIT_HEADER, f"Подразделение «{code}» не найдено среди муниципалитетов "
                                                      "региона и участников кампании." if code else "Не указан код."))
            continue
        if code in seen:
            errors.append(RowError(line, UNIT_HEADER, f"Код «{code}» уже встречается в строке {seen[code]}."))
            continue
        seen[code] = line
        if not is_open(campaign, unit.level, unit.id, now):
            last_day = last_day_label(campaign.deadline_of(unit.level), campaign.region.timezone)
            errors.append(RowError(line, UNIT_HEADER, f"Приём данных подразделения закрыт (срок — не позднее "
                                                      f"{last_day}): план можно изменить после продления срока."))
            continue
        targets, given = {}, False
        for i, plan_code in codes.items():
            text = values[i] if i < len(values) else ""
            if not text:
                continue
            given = True
            number = _number(text)
            if number is None:
                errors.append(RowError(line, HEADERS[plan_code], f"«{text}» — не число: нужно от 0 до 100."))
            else:
                targets[plan_code] = number
        for plan_code, messages in services.check_targets(campaign, unit, targets, complete=False).items():
            errors += [RowError(line, HEADERS.get(plan_code, plan_code), m) for m in messages]
        if not given:
            errors.append(RowError(line, "", "В строке нет ни одной цели."))
        parsed.append((unit, targets))
    if errors:
        raise PlanImportRejected(errors)
    return parsed


def import_plans(campaign: Campaign, data: bytes, filename: str | None, *, actor: User, now) -> int:
    """Check the whole file, then set each unit's plan (approved). Returns the number of plans. Caller commits."""
    rows = parse(campaign, data, filename, now)
    for unit, targets in rows:
        services.import_plan(campaign, unit, targets, actor=actor, now=now)
    return len(rows)
