"""Plain-text helpers every renderer shares: numbers as a statistician writes them and control-ratio messages
(neutralising spreadsheet text against formula injection lives in registry.core.cells)."""
from exports.tables import ControlCheck

_NEGATION = {"<=": ">", "<": "≥", "=": "≠", ">=": "<", ">": "≤"}
LEVEL_LABELS = {"organization": "организация", "municipality": "муниципальное образование",
                "region": "субъект Российской Федерации"}


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
