"""Files for the records: import templates and the organization's export, in the import's own columns."""
import csv
import io

import openpyxl
import sqlalchemy as sa
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from hierarchy.models import Organization
from registry.core.cells import cell
from registry.extensions import db
from registry.mentoring.import_columns import MULTI, allowed, header, to_label
from registry.mentoring.importer import Spec
from registry.mentoring.models import Consent, Mentee, Mentor, MentoringPair, PairMentee, PairMentor, Partner
from registry.mentoring.vocab import ConsentKind, forms_of

#: The hidden sheet holding the drop-down lists' values, and how many rows of the template carry them.
LISTS_SHEET = "Списки"
TEMPLATE_ROWS = 2000
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _labelled(spec: Spec, row: dict) -> list:
    return [cell(to_label(spec.kind, c, row.get(c))) for c in spec.columns]


def _render(spec: Spec, rows, fmt: str) -> tuple[bytes, str]:
    headers = [header(c) for c in spec.columns]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow(_labelled(spec, row))
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), FORMATS["csv"]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(spec.title)
    sheet.append(headers)
    for row in rows:
        sheet.append(_labelled(spec, row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue(), FORMATS["xlsx"]


def template(spec: Spec, fmt: str) -> tuple[bytes, str]:
    """An empty file with the Russian header row; in XLSX, drop-down lists on the coded columns and a sheet
    explaining every column."""
    if fmt == "csv":
        return _render(spec, [], fmt)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = spec.title
    sheet.append([header(c) for c in spec.columns])
    lists = book.create_sheet(LISTS_SHEET)
    used = 0
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header(column)) + 4)
        values = allowed(spec.kind, column)
        if not values:
            continue
        used += 1
        letter = get_column_letter(used)
        for row, value in enumerate(values, start=1):
            lists[f"{letter}{row}"] = value
        multi = (spec.kind, column) in MULTI
        validation = DataValidation(
            type="list", formula1=f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}", allow_blank=True,
            showErrorMessage=not multi, errorTitle="Значение не из списка",
            error=f"Выберите значение из списка: {', '.join(values)}.", promptTitle=header(column),
            prompt="Несколько значений — через «;»." if multi else "Выберите из списка.", showInputMessage=True)
        validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}{TEMPLATE_ROWS}")
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"
    notes = book.create_sheet("Пояснения")
    notes.append(["Столбец", "Обязательный", "Что указать"])
    for column in spec.columns:
        notes.append([header(column), "да" if column in spec.required else "нет", spec.help.get(column, "")])
    notes.append([])
    notes.append(["Загружается только первый лист. Первая строка — заголовок, как в шаблоне. Значения можно "
                  "выбрать из выпадающих списков; английские коды прежних шаблонов тоже принимаются."])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue(), FORMATS["xlsx"]


def export(org: Organization, spec: Spec, fmt: str) -> tuple[bytes, str]:
    return _render(spec, list(_rows(org, spec.kind)), fmt)


def _consents(column, ids: list[int]) -> dict[int, Consent]:
    if not ids:
        return {}
    return {getattr(c, column.key): c for c in db.session.scalars(sa.select(Consent).where(
        column.in_(ids), Consent.kind == ConsentKind.processing, Consent.withdrawn_at.is_(None)))}


def _rows(org: Organization, kind: str):
    if kind == "pairs":
        yield from _pairs(org)
        return
    model = Mentor if kind == "mentors" else Mentee
    records = db.session.scalars(sa.select(model).where(model.organization_id == org.id).order_by(model.id)).all()
    consents = _consents(Consent.mentor_id if model is Mentor else Consent.mentee_id, [r.id for r in records])
    inns = dict(db.session.execute(sa.select(Partner.id, Partner.inn)).all()) if model is Mentor else {}
    for record in records:
        consent = consents.get(record.id)
        row = {"code": record.code, "full_name": record.full_name, "category": record.category.value,
               "birth_date": _date(record.birth_date), "consent_date": _date(consent.signed_on) if consent else "",
               "consent_guardian": consent.guardian_name if consent else ""}
        if model is Mentor:
            row.update(position=record.position, forms=", ".join(f.value for f in forms_of(record.forms)),
                       competences=record.competences, achievements=record.achievements,
                       partner_inn=inns.get(record.partner_id, ""))
        else:
            row["request"] = record.request
        yield row


def _pairs(org: Organization):
    records = db.session.scalars(sa.select(MentoringPair).where(MentoringPair.organization_id == org.id)
                                 .order_by(MentoringPair.id)).all()
    codes = {}
    for link, column in ((PairMentor, PairMentor.mentor_id), (PairMentee, PairMentee.mentee_id)):
        model = Mentor if link is PairMentor else Mentee
        for pair_id, code in db.session.execute(
                sa.select(link.pair_id, model.code).join(model, model.id == column)
                .join(MentoringPair, MentoringPair.id == link.pair_id)
                .where(MentoringPair.organization_id == org.id, link.left_on.is_(None)).order_by(link.id)):
            codes.setdefault((link, pair_id), []).append(code or "")
    for pair in records:
        yield {"code": pair.code, "form": pair.form.value, "kind": pair.kind.value, "start_on": _date(pair.start_on),
               "end_on": _date(pair.end_on), "role_model": pair.role_model, "status": pair.status.value,
               "order_ref": pair.order_ref, "mentors": ", ".join(codes.get((PairMentor, pair.id), [])),
               "mentees": ", ".join(codes.get((PairMentee, pair.id), []))}
