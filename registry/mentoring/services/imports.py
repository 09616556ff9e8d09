"""Check a records file against the organization's records, then apply it all-or-nothing. Callers commit.

Mentors and mentees are matched by their code: a new code adds a record, a known code updates it, so
re-importing a file changes nothing. A pairs file may only add pairs; it refers to people by their codes.
Rows are written with bulk INSERT/UPDATE in batches, so the session never holds the whole file.
"""
import logging
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.tabular import RowError
from registry.extensions import db
from registry.mentoring import publication
from registry.mentoring.importer import (
    PREVIEW_ROWS,
    SPECS,
    Checked,
    ImportRejected,
    Spec,
    in_russian,
    load_row,
    rows,
    split_codes,
)
from registry.mentoring.models import Consent, Mentee, Mentor, MentoringPair, PairMentee, PairMentor, Partner
from registry.mentoring.models.people import is_minor
from registry.mentoring.services.people import partner_ids_of
from registry.mentoring.vocab import ConsentKind, GivenBy, Kind, MenteeCategory, MentorCategory, PairStatus, mask_of

logger = logging.getLogger(__name__)
BATCH = 1000
#: Rows between two progress reports of a background import.
PROGRESS_EVERY = 500
_MODEL = {"mentors": Mentor, "mentees": Mentee, "pairs": MentoringPair}


class _Context:
    """What rows are checked against: the organization's known codes and partners (not the file)."""

    def __init__(self, org: Organization, spec: Spec, today: date):
        self.org, self.spec, self.today = org, spec, today
        model = _MODEL[spec.kind]
        self.known = dict(db.session.execute(sa.select(model.code, model.id).where(
            model.organization_id == org.id, model.code.is_not(None))).all())
        self.seen: dict[str, int] = {}
        if spec.kind == "mentors":
            ids = partner_ids_of(org)
            self.partners = dict(db.session.execute(sa.select(Partner.inn, Partner.id).where(Partner.id.in_(ids))).all()
                                 ) if ids else {}
        if spec.kind == "pairs":
            self.mentors = _active_codes(Mentor, org)
            self.mentees = _active_codes(Mentee, org)

    def check(self, line: int, data: dict) -> list[RowError]:
        errors = []
        code = data["code"]
        if code in self.seen:
            errors.append(RowError(line, "code", f"Код «{code}» уже встречается в строке {self.seen[code]}."))
        else:
            self.seen[code] = line
        if self.spec.kind == "pairs":
            return errors + self._check_pair(line, data)
        if self.spec.kind == "mentors" and data.get("partner_inn") and data["partner_inn"] not in self.partners:
            errors.append(RowError(line, "partner_inn", "Партнёра с таким ИНН нет среди партнёров организации: "
                                                        "сначала внесите соглашение с ним."))
        if data.get("consent_date"):
            student = data["category"] in (MentorCategory.student, MenteeCategory.student)
            if data["consent_date"] > self.today:
                errors.append(RowError(line, "consent_date", "Дата согласия не может быть в будущем."))
            if is_minor(data.get("birth_date"), student, self.today) and not data.get("consent_guardian"):
                errors.append(RowError(line, "consent_guardian", "Несовершеннолетний: укажите законного "
                                                                 "представителя, подписавшего согласие."))
        return errors

    def _check_pair(self, line: int, data: dict) -> list[RowError]:
        errors = []
        if data["code"] in self.known:
            errors.append(RowError(line, "code", f"Пара с кодом «{data['code']}» уже есть: измените её в реестре."))
        for column, known in (("mentors", self.mentors), ("mentees", self.mentees)):
            unknown = [c for c in split_codes(data[column]) if c not in known]
            if unknown:
                errors.append(RowError(line, column, f"Нет действующих записей с кодами: {', '.join(unknown)}."))
        if data["kind"] is Kind.group and len(set(split_codes(data["mentees"]))) < 2:
            errors.append(RowError(line, "mentees", "Групповое наставничество — два и более наставляемых."))
        status = data.get("status") or PairStatus.forming
        if status not in (PairStatus.forming, PairStatus.approved, PairStatus.active):
            errors.append(RowError(line, "status", "Загрузить можно пары в состоянии «формируется», "
                                                   "«утверждена приказом» или «работает»."))
        elif status is not PairStatus.forming and not data.get("order_ref"):
            errors.append(RowError(line, "order_ref", "Для утверждённой пары укажите приказ."))
        return errors

    def people_of(self, data: dict, column: str) -> list[int]:
        known = self.mentors if column == "mentors" else self.mentees
        return [known[c] for c in dict.fromkeys(split_codes(data[column]))]


def _active_codes(model, org: Organization) -> dict[str, int]:
    return dict(db.session.execute(sa.select(model.code, model.id).where(
        model.organization_id == org.id, model.code.is_not(None), model.left_on.is_(None))).all())


def _read(org: Organization, kind: str, path: Path, filename: str | None, today: date, on_row=None,
          progress=None) -> Checked:
    """One streamed pass: every row checked; rows without errors go to `on_row` until the first error;
    `progress(rows read)` is called every PROGRESS_EVERY rows."""
    spec = SPECS[kind]
    context, schema, result = _Context(org, spec, today), spec.schema(), Checked()
    for line, cells in rows(spec, path, filename):
        result.rows += 1
        if progress is not None and result.rows % PROGRESS_EVERY == 0:
            progress(result.rows)
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append({"line": line, **cells})
        data, errors = load_row(schema, line, cells, spec.kind)
        if data is not None:
            errors = context.check(line, data)
            if data["code"] in context.known and spec.kind != "pairs":
                result.updated += 1
            else:
                result.new += 1
        for error in errors:
            result.add_error(in_russian(error))
        if on_row is not None and not result.errors:
            on_row(data)
    if result.rows == 0:
        result.add_error(RowError(None, "", "В файле только заголовок: нет ни одной строки данных."))
    return result


def check(org: Organization, kind: str, path: Path, filename: str | None, *, today: date | None = None,
          progress=None) -> Checked:
    """Read the whole file once, checking every row; nothing is written (the preview)."""
    return _read(org, kind, path, filename, today or now_utc().date(), progress=progress)


def apply(org: Organization, kind: str, path: Path, filename: str | None, *, actor: User | None,
          today: date | None = None, progress=None) -> Checked:
    """Check the file again (the records may have changed since the preview) while writing it in batches.

    All or nothing: writing stops at the first error, and the refusal leaves the transaction to be rolled
    back by the caller, so nothing of the file stays. Caller commits (or rolls back on ImportRejected).
    """
    today = today or now_utc().date()
    writer = _Writer(org, SPECS[kind], actor, today)
    batch: list[dict] = []

    def on_row(data: dict) -> None:
        batch.append(data)
        if len(batch) >= BATCH:
            writer.write(batch)
            batch.clear()

    result = _read(org, kind, path, filename, today, on_row, progress)
    if result.errors:
        raise ImportRejected(result.errors)
    writer.write(batch)
    writer.finish()
    log_action(actor, f"records.imported_{kind}", "organization", org.code, comment=filename,
               after={"rows": result.rows, "new": result.new, "updated": result.updated})
    logger.info("%s import into %r by %r: %s rows", kind, org, actor, result.rows)
    return result


class _Writer:
    def __init__(self, org: Organization, spec: Spec, actor: User | None, today: date):
        self.org, self.spec, self.actor, self.today = org, spec, actor, today
        self.context = _Context(org, spec, today)
        self.public_touched: list[int] = []

    def write(self, batch: list[dict]) -> None:
        if not batch:
            return
        if self.spec.kind == "pairs":
            self._pairs(batch)
        else:
            self._people(batch)

    def _people(self, batch: list[dict]) -> None:
        model = _MODEL[self.spec.kind]
        new, existing = [], []
        for data in list(batch):
            values = self._values(data)
            if data["code"] in self.context.known:
                existing.append({"id": self.context.known[data["code"]], **values})
            else:
                new.append({"organization_id": self.org.id, "created_at": now_utc(), **values})
        ids = {}
        if new:
            ids = dict(db.session.execute(sa.insert(model).returning(model.code, model.id), new).all())
        if existing:
            db.session.execute(sa.update(model), existing)
            if model is Mentor:
                public = set(db.session.scalars(sa.select(Mentor.id).where(
                    Mentor.id.in_([e["id"] for e in existing]), Mentor.is_public.is_(True))))
                self.public_touched += sorted(public)
            ids.update({e["code"]: e["id"] for e in existing})
        self._consents(model, batch, ids)

    def _values(self, data: dict) -> dict:
        values = {k: data[k] for k in ("code", "full_name", "category", "birth_date") if k in data}
        if self.spec.kind == "mentors":
            values.update(position=data["position"], forms=mask_of(data["forms"]), competences=data["competences"],
                          achievements=data["achievements"],
                          partner_id=self.context.partners.get(data["partner_inn"]) if data["partner_inn"] else None)
        else:
            values["request"] = data["request"]
        return values

    def _consents(self, model, batch: list[dict], ids: dict[str, int]) -> None:
        column = Consent.mentor_id if model is Mentor else Consent.mentee_id
        wanted = {ids[d["code"]]: d for d in batch if d.get("consent_date")}
        if not wanted:
            return
        have = set(db.session.scalars(sa.select(column).where(
            column.in_(list(wanted)), Consent.kind == ConsentKind.processing, Consent.withdrawn_at.is_(None))))
        rows_ = [{column.key: person_id, "kind": ConsentKind.processing,
                  "given_by": GivenBy.guardian if d.get("consent_guardian") else GivenBy.subject,
                  "guardian_name": d.get("consent_guardian", ""), "signed_on": d["consent_date"],
                  "document": "загружено из файла", "fields": "", "recorded_by_id": getattr(self.actor, "id", None),
                  "created_at": now_utc()}
                 for person_id, d in wanted.items() if person_id not in have]
        if rows_:
            db.session.execute(sa.insert(Consent), rows_)

    def _pairs(self, batch: list[dict]) -> None:
        new = [{"organization_id": self.org.id, "code": d["code"], "form": d["form"], "role_model": d["role_model"],
                "kind": d["kind"], "start_on": d["start_on"], "end_on": d.get("end_on"),
                "status": d.get("status") or PairStatus.forming, "order_ref": d.get("order_ref", ""),
                "close_reason": "", "created_at": now_utc()} for d in batch]
        ids = dict(db.session.execute(sa.insert(MentoringPair).returning(MentoringPair.code, MentoringPair.id),
                                      new).all())
        mentors, mentees = [], []
        for d in batch:
            pair_id = ids[d["code"]]
            mentors += [{"pair_id": pair_id, "mentor_id": m, "joined_on": d["start_on"], "leave_comment": ""}
                        for m in self.context.people_of(d, "mentors")]
            mentees += [{"pair_id": pair_id, "mentee_id": m, "joined_on": d["start_on"]}
                        for m in self.context.people_of(d, "mentees")]
        db.session.execute(sa.insert(PairMentor), mentors)
        db.session.execute(sa.insert(PairMentee), mentees)

    def finish(self) -> None:
        db.session.flush()
        for mentor_id in self.public_touched:
            publication.refresh(db.session.get(Mentor, mentor_id))
