"""Hierarchy import: check every row against the file and the registry, then create or update units. Callers commit."""
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from hierarchy.importer import KIND_LABELS, ImportRejected, Row, RowError, check_rows, parse
from hierarchy.models import Level, Municipality, Organization, OrgType, Region, ReportsTo
from registry.auth.models import Role, User
from registry.core.audit import log_action
from registry.core.errors import PermissionDenied
from registry.extensions import db
from registry.mentoring import publication

logger = logging.getLogger(__name__)

_MODELS = {Level.region: Region, Level.municipality: Municipality, Level.organization: Organization}
_PARENT_LEVEL = {Level.municipality: Level.region, Level.organization: Level.municipality}
_IN_CHUNK = 500  # SQLite caps bound parameters per statement; federal files hold ~100,000 codes


@dataclass
class ImportResult:
    """How many units of each level the import created, updated and left unchanged."""

    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Level.__members__, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Level.__members__, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Level.__members__, 0))

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"created": dict(self.created), "updated": dict(self.updated), "unchanged": dict(self.unchanged)}

    def summary(self) -> str:
        """The result in one Russian sentence, for the CLI and the log."""
        parts = [f"{label} — создано {self.created[k]}, обновлено {self.updated[k]}, без изменений {self.unchanged[k]}"
                 for k, label in (("region", "регионы"), ("municipality", "муниципалитеты"),
                                  ("organization", "организации"))]
        return "Импорт завершён: " + "; ".join(parts) + "."


def can_import_hierarchy(user: User | None) -> bool:
    """Admins import anything, region operators their own region; nobody else imports."""
    return user is not None and user.role in (Role.admin, Role.region_operator)


def import_file(data: bytes, *, filename: str | None = None, actor: User | None) -> ImportResult:
    """Parse a CSV/XLSX hierarchy file and import it all-or-nothing (actor None = system). Caller commits."""
    return import_rows(parse(data, filename), actor=actor, source=filename)


def import_rows(rows: list[Row], *, actor: User | None, source: str | None = None,
                progress: Callable[[int], None] | None = None) -> ImportResult:
    """Validate every row, raise ImportRejected with all errors, or create/update units. Caller commits.

    `progress(rows written so far)` is called after each level (regions, municipalities, organizations).
    """
    if actor is not None and not can_import_hierarchy(actor):
        raise PermissionDenied("Загружать иерархию могут только администратор и региональный оператор.")
    plan = _Plan(rows, actor)
    errors = check_rows(rows) + plan.check()
    if errors:
        raise ImportRejected(errors)
    result = plan.apply(progress)
    log_action(actor, "hierarchy.imported", "hierarchy_import", source or "—", after=result.as_dict(),
               comment=f"строк: {len(rows)}")
    logger.info("hierarchy import %s by %r: %s", source, actor, result.as_dict())
    return result


class _Plan:
    """The file resolved against the registry: parents may come later in the file or already exist."""

    def __init__(self, rows: list[Row], actor: User | None):
        self.actor = actor
        self.rows = [r for r in rows if r.level is not None and r.code]
        self.in_file: dict[str, Row] = {}
        for row in self.rows:
            self.in_file.setdefault(row.code, row)  # later duplicates are already reported by check_rows
        self.rows = [r for r in self.rows if self.in_file[r.code] is r]
        wanted = set(self.in_file) | {r.parent_code for r in self.rows if r.parent_code}
        self.existing: dict[str, Region | Municipality | Organization] = {}
        for model, options in ((Region, ()), (Municipality, (joinedload(Municipality.region),)),
                               (Organization, (joinedload(Organization.location).joinedload(Municipality.region),
                                               joinedload(Organization.region)))):
            self.existing.update(_load(model, wanted, options))
        self.scope_code = actor.region.code if actor is not None and actor.role is Role.region_operator else None

    # --- checks -------------------------------------------------------------------------------------------------

    def check(self) -> list[RowError]:
        errors = []
        for row in self.rows:
            taken = self.existing.get(row.code)
            if taken is not None and taken.level is not row.level:
                errors.append(RowError(row.line, "code", f"Код «{row.code}» уже занят: так в реестре обозначен "
                                                         f"{KIND_LABELS[taken.level]} «{taken.name}»."))
                continue
            if row.level is not Level.region and row.parent_code:
                error = self._parent_error(row)
                if error:
                    errors.append(error)
                    continue
            errors.extend(self._region_errors(row, taken))
        return errors

    def _parent_error(self, row: Row) -> RowError | None:
        wanted = _PARENT_LEVEL[row.level]
        found = self.in_file.get(row.parent_code)
        level = found.level if found is not None else getattr(self.existing.get(row.parent_code), "level", None)
        if level is None:
            return RowError(row.line, "parent_code", f"{_genitive(wanted).capitalize()} с кодом «{row.parent_code}» "
                                                     "нет ни в файле, ни в реестре.")
        if level is not wanted:
            return RowError(row.line, "parent_code", f"«{row.parent_code}» — это {KIND_LABELS[level]}, а нужен "
                                                     f"код {_genitive(wanted)}.")
        return None

    def _region_code(self, row: Row) -> str | None:
        """The region the row will belong to, or None if that is not known (its parent is in error)."""
        if row.level is Level.region:
            return row.code
        parent = self.in_file.get(row.parent_code)
        if parent is None:
            unit = self.existing.get(row.parent_code)
            return unit.region.code if isinstance(unit, Municipality) else getattr(unit, "code", None)
        if row.level is Level.municipality:
            return parent.code
        # the municipality's own row carries the error if its region does not resolve
        region = self.in_file.get(parent.parent_code) or self.existing.get(parent.parent_code)
        return parent.parent_code if getattr(region, "level", None) is Level.region else None

    def _region_errors(self, row: Row, taken) -> list[RowError]:
        region_code = self._region_code(row)
        if region_code is None or row.level is Level.region and self.scope_code in (None, row.code):
            return []
        if row.level is Level.region:
            return [RowError(row.line, "code", f"Вы можете изменять только свой регион «{self.scope_code}».")]
        if taken is not None and taken.region.code != region_code:
            # moving a unit between regions would move its history out of the region that owns it
            return [RowError(row.line, "parent_code", f"«{row.code}» уже относится к региону «{taken.region.code}»: "
                                                      "перенос в другой регион не поддерживается.")]
        if self.scope_code is not None and region_code != self.scope_code:
            where = (f"Регион «{region_code}» — чужой" if row.level is Level.municipality
                     else f"Муниципалитет «{row.parent_code}» находится в чужом регионе «{region_code}»")
            return [RowError(row.line, "parent_code", f"{where}: вы можете загружать только свой регион "
                                                      f"«{self.scope_code}».")]
        return []

    # --- apply --------------------------------------------------------------------------------------------------

    def apply(self, progress: Callable[[int], None] | None = None) -> ImportResult:
        result = ImportResult()
        written = 0
        updated_ids: dict[Level, list[int]] = {Level.municipality: [], Level.organization: []}
        for level in (Level.region, Level.municipality, Level.organization):  # parents before children
            audits = []
            for row in (r for r in self.rows if r.level is level):
                unit = self.existing.get(row.code)
                wanted = self._wanted(row)
                if unit is None:
                    unit = self.existing[row.code] = _MODELS[level](code=row.code, **wanted)
                    db.session.add(unit)
                    audits.append(("hierarchy.unit_created", row.code, None, _snapshot(unit)))
                    result.created[level] += 1
                    continue
                # only differing attributes are set: an untouched unit stays out of the flush altogether
                differing = {name: value for name, value in wanted.items() if getattr(unit, name) != value}
                if not differing:
                    result.unchanged[level] += 1
                    continue
                before = _snapshot(unit)
                for name, value in differing.items():
                    setattr(unit, name, value)
                after = _snapshot(unit)
                changed = [k for k in after if after[k] != before[k]]
                audits.append(("hierarchy.unit_updated", row.code, {k: before[k] for k in changed},
                               {k: after[k] for k in changed}))
                result.updated[level] += 1
                updated_ids.get(level, []).append(unit.id)
            db.session.flush()  # one batched INSERT per level, not one round trip per unit
            for action, code, before, after in audits:
                log_action(self.actor, action, level.value, code, before=before, after=after)
            written += sum(1 for r in self.rows if r.level is level)
            if progress is not None:
                progress(written)
        # a renamed or moved organization (or a renamed municipality) changes its mentors' public copies
        publication.refresh_of_units(updated_ids[Level.organization], updated_ids[Level.municipality])
        return result

    def _wanted(self, row: Row) -> dict:
        """Attribute values the row asks for; parents are objects already created or loaded."""
        if row.level is Level.region:
            return {"name": row.name, "timezone": row.timezone}
        parent = self.existing[row.parent_code]
        if row.level is Level.municipality:
            return {"name": row.name, "region": parent}
        return {"name": row.name, "location": parent, "region": parent.region, "org_type": OrgType(row.org_type),
                "reports_to": ReportsTo(row.reports_to)}


def _load(model, codes: set[str], options) -> dict[str, Region | Municipality | Organization]:
    codes = sorted(codes)
    found = {}
    for start in range(0, len(codes), _IN_CHUNK):
        query = sa.select(model).where(model.code.in_(codes[start:start + _IN_CHUNK])).options(*options)
        found.update((unit.code, unit) for unit in db.session.scalars(query).unique())
    return found


def _snapshot(unit: Region | Municipality | Organization) -> dict[str, str]:
    """The imported fields of a unit, with parents by code, as the audit trail records them."""
    if isinstance(unit, Region):
        return {"name": unit.name, "timezone": unit.timezone}
    if isinstance(unit, Municipality):
        return {"name": unit.name, "region": unit.region.code}
    return {"name": unit.name, "location": unit.location.code, "org_type": OrgType(unit.org_type).value,
            "reports_to": ReportsTo(unit.reports_to).value}


def _genitive(level: Level) -> str:
    return {Level.region: "региона", Level.municipality: "муниципалитета", Level.organization: "организации"}[level]
