"""Plain-text helpers every renderer shares: numbers as a statistician writes them, control-ratio messages,
and neutralising spreadsheet text against formula injection."""
from exports.tables import ControlCheck

#: A text cell starting with one of these is read by spreadsheet programs as a formula (OWASP «CSV injection»).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEGATION = {"<=": ">", "<": "≥", "=": "≠", ">=": "<", ">": "≤"}
LEVEL_LABELS = {"organization": "организация", "municipality": "муниципальное образование",
                "region": "субъект Российской Федерации"}


def neutralize(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would execute as a formula; other text is unchanged."""
    if isinstance(text, str) and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def cell(value):
    """A value for a CSV or XLSX cell: text neutralised, numbers (negative ones too) left as numbers."""
    return neutralize(value) if isinstance(value, str) else value


def number(value: float | int | None, digits: int = 1) -> str:
    """«1000», «12,5»; empty for no value. Forms print digits only, without thousands separators."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{digits}f}".rstrip("0").rstrip(".").replace(".", ",")


def percent(value: float | None) -> str:
    return "—" if value is None else number(value) + " %"


def check_location(check: ControlCheck) -> str:
    return f"Раздел {check.section}, строка {check.row}, графа {check.column}"


def check_message(check: ControlCheck) -> str:
    """How a statistician reads a control result: where, left vs right, difference, and the rule."""
    where = check_location(check)
    if check.passed is None:
        return f"{where}: не проверено — нет значения ({check.control_id}: «{check.text}»)."
    if check.passed:
        return f"{where}: выполнено ({check.control_id}: «{check.text}»)."
    return (f"{where}: левая часть {number(check.left)} {_NEGATION[check.op]} правая часть {number(check.right)}, "
            f"разница {number(check.difference)} — нарушено контрольное соотношение {check.control_id} "
            f"«{check.text}».")
