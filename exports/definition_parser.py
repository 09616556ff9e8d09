"""Validating a form description (parsed JSON or YAML) into a FormDefinition, listing every error found at once."""
import re

from exports.definitions import ColumnDefinition, Control, FormDefinition, FormDefinitionError, Row, Section
from exports.formulas import Formula, FormulaError, parse
from monitoring.indicators import CODES

FORMAT = "registry-form/1"
_CODE = re.compile(r"^[0-9]{1,6}$")
_OPS = {"<=", "<", "=", ">=", ">"}
_ROW_REF = re.compile(r"^r([0-9]{1,6})$")
_COL_REF = re.compile(r"^c([0-9]{1,6})$")
_CELL_REF = re.compile(r"^r([0-9]{1,6})c([0-9]{1,6})$")


def _text(raw: dict, key: str, where: str, errors: list[str], *, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        errors.append(f"{where}: поле «{key}» должно быть непустой строкой")
        return ""
    return value


def _formula(source, where: str, names_ok, errors: list[str]) -> Formula | None:
    try:
        formula = parse(source)
    except FormulaError as exc:
        errors.append(f"{where}: {exc}")
        return None
    for name in sorted(formula.names):
        problem = names_ok(name)
        if problem:
            errors.append(f"{where}: {problem}")
    return formula


def _indicator(name: str) -> str | None:
    return None if name in CODES else f"неизвестный код показателя «{name}»"


def _columns(raw, errors: list[str]) -> tuple[ColumnDefinition, ...]:
    if not isinstance(raw, list) or not raw:
        errors.append("поле «columns» должно быть непустым списком граф")
        return ()
    columns, seen = [], set()
    for i, item in enumerate(raw, 1):
        where = f"графа №{i} в списке"
        if not isinstance(item, dict):
            errors.append(f"{where}: ожидается объект")
            continue
        code = str(item.get("code", ""))
        if not _CODE.match(code):
            errors.append(f"{where}: код графы «{code}» должен состоять из цифр")
        elif code in seen:
            errors.append(f"{where}: код графы «{code}» повторяется")
        seen.add(code)
        role = item.get("role", "data")
        if role not in ("data", "label", "row_code"):
            errors.append(f"графа {code}: неизвестная роль «{role}» (data, label или row_code)")
        columns.append(ColumnDefinition(code, _text(item, "title", f"графа {code}", errors), role,
                              _text(item, "group", f"графа {code}", errors, required=False)))
    if not any(c.role == "data" for c in columns):
        errors.append("в форме нет ни одной графы с данными (role: data)")
    return tuple(columns)


def _rows(raw_section: dict, where: str, data_codes: set[str], errors: list[str]) -> tuple[Row, ...]:
    raw_rows = raw_section.get("rows")
    if not isinstance(raw_rows, list) or not raw_rows:
        errors.append(f"{where}: поле «rows» должно быть непустым списком строк")
        return ()
    rows, seen = [], set()
    for i, item in enumerate(raw_rows, 1):
        if not isinstance(item, dict):
            errors.append(f"{where}, строка №{i} в списке: ожидается объект")
            continue
        code = str(item.get("code", ""))
        row_where = f"{where}, строка {code or '№' + str(i)}"
        if not _CODE.match(code):
            errors.append(f"{row_where}: код строки «{code}» должен состоять из цифр")
        elif code in seen:
            errors.append(f"{where}: код строки «{code}» повторяется")
        seen.add(code)
        cells = {}
        raw_cells = item.get("cells") or {}
        if not isinstance(raw_cells, dict):
            errors.append(f"{row_where}: поле «cells» должно быть объектом «графа: формула»")
            raw_cells = {}
        for column, source in raw_cells.items():
            if str(column) not in data_codes:
                errors.append(f"{row_where}: графа «{column}» не описана среди граф с данными")
                continue
            if source is None:
                continue  # an explicit empty cell
            formula = _formula(source, f"{row_where}, графа {column}", _indicator, errors)
            if formula is not None:
                cells[str(column)] = formula
        indent = item.get("indent", 0)
        rows.append(Row(code, _text(item, "title", row_where, errors), cells,
                        indent if isinstance(indent, int) and 0 <= indent <= 5 else 0,
                        _text(item, "note", row_where, errors, required=False)))
    return tuple(rows)


def _controls(raw_section: dict, where: str, rows: set[str], columns: set[str], errors: list[str]):
    controls = []
    for i, item in enumerate(raw_section.get("controls") or [], 1):
        if not isinstance(item, dict):
            errors.append(f"{where}, контроль №{i}: ожидается объект")
            continue
        cid = str(item.get("id") or i)
        cwhere = f"{where}, контроль {cid}"
        over = item.get("over", "none")
        op = item.get("op")
        if op not in _OPS:
            errors.append(f"{cwhere}: знак «{op}» не поддерживается (допустимы {', '.join(sorted(_OPS))})")
        if over == "columns":
            scope = tuple(str(c) for c in item.get("columns") or sorted(columns, key=int))
            unknown = [c for c in scope if c not in columns]
            check = _ref(_ROW_REF, rows, "строки", "r01")
        elif over == "rows":
            scope = tuple(str(r) for r in item.get("rows") or sorted(rows))
            unknown = [r for r in scope if r not in rows]
            check = _ref(_COL_REF, columns, "графы", "c3")
        elif over == "none":
            scope, unknown = (), []
            check = _cell_ref(rows, columns)
        else:
            errors.append(f"{cwhere}: «over» должно быть columns, rows или none, а не «{over}»")
            continue
        if unknown:
            errors.append(f"{cwhere}: в области проверки неизвестные коды {', '.join(unknown)}")
        left = _formula(item.get("left"), f"{cwhere}, левая часть", check, errors)
        right = _formula(item.get("right"), f"{cwhere}, правая часть", check, errors)
        if left is not None and right is not None and op in _OPS:
            controls.append(Control(cid, _text(item, "text", cwhere, errors), left, op, right, over, scope))
    return tuple(controls)


def _ref(pattern, known: set[str], what: str, example: str):
    def check(name: str) -> str | None:
        match = pattern.match(name)
        if match is None:
            return f"«{name}» — не ссылка на {what} (ожидается вид {example})"
        return None if match.group(1) in known else f"ссылка «{name}» на несуществующий код {what}"
    return check


def _cell_ref(rows: set[str], columns: set[str]):
    def check(name: str) -> str | None:
        match = _CELL_REF.match(name)
        if match is None:
            return f"«{name}» — не ссылка на ячейку (ожидается вид r01c3)"
        if match.group(1) not in rows or match.group(2) not in columns:
            return f"ссылка «{name}» на несуществующую ячейку"
        return None
    return check


def build(raw: dict, source: str = "<описание>") -> FormDefinition:
    """Validate a parsed description and return the definition, or raise FormDefinitionError listing every error."""
    if not isinstance(raw, dict):
        raise FormDefinitionError(source, ["описание формы должно быть объектом"])
    errors: list[str] = []
    if raw.get("format", FORMAT) != FORMAT:
        errors.append(f"неизвестный формат описания «{raw.get('format')}» (ожидается {FORMAT})")
    code = _text(raw, "code", "форма", errors)
    form_number, title = _text(raw, "form_number", "форма", errors), _text(raw, "title", "форма", errors)
    if code and not re.match(r"^[a-z0-9_]{1,64}$", code):
        errors.append(f"код формы «{code}» может содержать только строчные латинские буквы, цифры и _")
    columns = _columns(raw.get("columns"), errors)
    data_codes = {c.code for c in columns if c.role == "data"}
    sections, seen = [], set()
    raw_sections = raw.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        errors.append("поле «sections» должно быть непустым списком разделов")
        raw_sections = []
    for i, item in enumerate(raw_sections, 1):
        if not isinstance(item, dict):
            errors.append(f"раздел №{i} в списке: ожидается объект")
            continue
        scode = str(item.get("code", ""))
        where = f"раздел {scode or '№' + str(i)}"
        if not scode or scode in seen:
            errors.append(f"{where}: код раздела пуст или повторяется")
        seen.add(scode)
        rows = _rows(item, where, data_codes, errors)
        controls = _controls(item, where, {r.code for r in rows}, data_codes, errors)
        sections.append(Section(scode, _text(item, "title", where, errors), rows, controls))
    optional = {key: _text(raw, key, "форма", errors, required=False)
                for key in ("okud", "periodicity", "deadline", "unit_of_measure", "basis")}
    notes = raw.get("notes") or []
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        errors.append("поле «notes» должно быть списком строк")
    if errors:
        raise FormDefinitionError(source, errors)
    return FormDefinition(code=code, version=str(raw.get("version", "1")), form_number=form_number, title=title,
                          columns=columns, sections=tuple(sections), notes=tuple(notes),
                          **(optional | {"okud": optional["okud"] or None}))
