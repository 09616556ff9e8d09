"""Form layouts as data: what a statistics form's definition holds, once its description is validated.

A definition has coded sections, rows («01», «02» …) and columns («3», «4» …); each data cell holds a formula
over indicator codes (exports.formulas), and each section lists its control ratios. The description files are
read by exports.definition_files and validated by exports.definition_parser.
"""
from dataclasses import dataclass, field

from exports.formulas import Formula


class FormDefinitionError(ValueError):
    """A form description that cannot be used; `errors` lists every problem found, one line each."""

    def __init__(self, source: str, errors: list[str]):
        self.source = source
        self.errors = errors
        super().__init__(f"Описание формы {source} содержит ошибки:\n" + "\n".join(f"- {e}" for e in errors))


@dataclass(frozen=True)
class ColumnDefinition:
    """One column of a statistical form as its description file declares it (code, title, role)."""

    code: str
    title: str
    #: "data" for numeric columns; "label" and "row_code" describe the row (graphs 1 and 2 of Rosstat forms).
    role: str = "data"
    #: A caption shared by adjacent columns (a merged upper header cell), or "".
    group: str = ""


@dataclass(frozen=True)
class Row:
    code: str
    title: str
    #: Column code → parsed formula; a data column missing here is an empty cell (no data source).
    cells: dict[str, Formula]
    indent: int = 0
    note: str = ""


@dataclass(frozen=True)
class Control:
    id: str
    text: str
    left: Formula
    op: str
    right: Formula
    #: "columns": checked in every column (names are rows, r01); "rows": in every row (names are columns, c3);
    #: "none": once (names are cells, r01c3).
    over: str
    scope: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    rows: tuple[Row, ...]
    controls: tuple[Control, ...]


@dataclass(frozen=True)
class FormDefinition:
    code: str
    version: str
    form_number: str
    title: str
    columns: tuple[ColumnDefinition, ...]
    sections: tuple[Section, ...]
    okud: str | None = None
    periodicity: str = ""
    deadline: str = ""
    unit_of_measure: str = ""
    basis: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def data_columns(self) -> tuple[ColumnDefinition, ...]:
        return tuple(c for c in self.columns if c.role == "data")
