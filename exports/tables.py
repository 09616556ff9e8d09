"""Neutral tables: what builders produce and renderers draw (HOUSE_STYLE §8.10). No formatting, no I/O."""
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from exports.definitions import FormDefinition


@dataclass(frozen=True)
class TableColumn:
    key: str
    header: str
    #: text / int / number / percent / date
    kind: str = "text"


@dataclass(frozen=True)
class Table:
    """A titled grid of plain values; rows are dicts keyed by column key."""

    title: str
    columns: tuple[TableColumn, ...]
    rows: tuple[dict, ...]
    note: str = ""


@dataclass(frozen=True)
class UnitInfo:
    """The reporting unit a document is about, with the requisites printed in its header."""

    code: str
    level: str
    name: str
    requisites: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Basis:
    """Where the values come from: a frozen snapshot, or live data marked as preliminary."""

    preliminary: bool
    description: str
    snapshot_id: int | None = None
    snapshot_version: int | None = None
    snapshot_level: str | None = None
    snapshot_unit: str | None = None
    frozen_at: datetime | None = None


@dataclass(frozen=True)
class UnitValues:
    """A unit's indicator values (sums for consolidated units) and their basis: the input of a form."""

    unit: UnitInfo
    values: dict[str, float]
    basis: Basis
    consolidated: bool


@dataclass(frozen=True)
class FormCell:
    column: str
    #: None: no data (a missing value or a division by zero) or, when `formula` is None, no data source at all.
    value: float | None
    formula: str | None


@dataclass(frozen=True)
class FormRow:
    code: str
    title: str
    indent: int
    cells: tuple[FormCell, ...]
    note: str = ""


@dataclass(frozen=True)
class FormSection:
    code: str
    title: str
    rows: tuple[FormRow, ...]


@dataclass(frozen=True)
class ControlCheck:
    """One instance of a control ratio (per column or per row), as statisticians read it."""

    control_id: str
    text: str
    section: str
    row: str
    column: str
    op: str
    left: float | None
    right: float | None
    #: True passed, False failed, None not checked (a value is missing).
    passed: bool | None

    @property
    def difference(self) -> float | None:
        return None if self.left is None or self.right is None else self.left - self.right


@dataclass(frozen=True)
class FilledForm:
    """A form definition filled with one unit's values for one year: the neutral table every renderer draws."""

    definition: FormDefinition
    year: int
    unit: UnitInfo
    basis: Basis
    consolidated: bool
    sections: tuple[FormSection, ...]
    checks: tuple[ControlCheck, ...]
    checksum: str = field(default="")

    @property
    def failures(self) -> tuple[ControlCheck, ...]:
        return tuple(c for c in self.checks if c.passed is False)

    @property
    def unchecked(self) -> tuple[ControlCheck, ...]:
        return tuple(c for c in self.checks if c.passed is None)

    def cell_values(self) -> dict[str, float | int | None]:
        """Every data-source cell as «section:row:column» → value; the input of the checksum."""
        return {f"{s.code}:{r.code}:{c.column}": plain_number(c.value)
                for s in self.sections for r in s.rows for c in r.cells if c.formula is not None}


def plain_number(value: float | None) -> float | int | None:
    """An integral float as int, so 1000.0 and 1000 serialise alike."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def canonical_json(data) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def values_checksum(cells: dict[str, float | int | None]) -> str:
    """SHA-256 (hex) of the canonical JSON of a form's cell values."""
    return hashlib.sha256(canonical_json(cells)).hexdigest()


@dataclass(frozen=True)
class BarChart:
    """Bars per category, one series each (e.g. fact and target per year); None draws no bar."""

    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    horizontal: bool = False
    #: A target drawn as a line across the bars (when the chart has no target bars of its own).
    target: float | None = None
    #: A target per category drawn as a line through the categories (the per-year charts: the trajectory of targets
    #: over the years); None for a category leaves a gap.
    target_line: tuple[float | None, ...] | None = None


@dataclass(frozen=True)
class MonitoringReport:
    """The consolidated monitoring report of a municipality or the region: tables and charts, in order."""

    title: str
    unit: UnitInfo
    year: int
    basis: Basis
    tables: tuple[Table, ...]
    charts: tuple[BarChart, ...]
    #: Charts comparing sub-units (municipalities or organizations) in the report's year.
    unit_charts: tuple[BarChart, ...] = ()
    missing: Table | None = None
    notes: tuple[str, ...] = ()
