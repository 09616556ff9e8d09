"""A tiny, safe expression language for form cells and control ratios: names, numbers, + - * /, parentheses.

Expressions are parsed with Python's `ast` module and only these nodes are accepted; anything else (calls,
attributes, subscripts, comparisons, powers) is refused with a clear message. Nothing is ever `eval`-ed: the
parsed tree is turned into nested tuples and evaluated by `evaluate` below.
"""
import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

#: Longer expressions are refused: a cell formula is a short sum, and this bounds parsing work.
MAX_LENGTH = 500
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_UNARY = {ast.UAdd: "+", ast.USub: "-"}


class FormulaError(ValueError):
    """A formula that cannot be parsed or uses something outside the grammar."""


@dataclass(frozen=True)
class Formula:
    """A parsed expression: its source text, its tree and the names it reads."""

    source: str
    tree: tuple
    names: frozenset[str]


def parse(source: str) -> Formula:
    """Parse `source` into a Formula or raise FormulaError (in Russian, naming the offending part)."""
    if not isinstance(source, str) or not source.strip():
        raise FormulaError("пустая формула")
    if len(source) > MAX_LENGTH:
        raise FormulaError(f"формула длиннее {MAX_LENGTH} символов")
    try:
        node = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"синтаксическая ошибка в формуле «{source}»: {exc.msg}") from None
    names: set[str] = set()
    tree = _convert(node.body, source, names)
    return Formula(source.strip(), tree, frozenset(names))


def _convert(node: ast.AST, source: str, names: set[str]) -> tuple:
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return ("bin", _BINARY[type(node.op)], _convert(node.left, source, names), _convert(node.right, source, names))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return ("neg" if isinstance(node.op, ast.USub) else "pos", _convert(node.operand, source, names))
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        names.add(node.id)
        return ("name", node.id)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return ("num", float(node.value))
    part = ast.get_source_segment(source.strip(), node) or type(node).__name__
    raise FormulaError(f"недопустимая конструкция «{part}» в формуле «{source}»: разрешены только коды "
                       "показателей, числа, + - * / и скобки")


def evaluate(formula: Formula, lookup: Mapping[str, float | None] | Callable[[str], float | None]) -> float | None:
    """Value of the formula; None when a name has no value or a division by zero occurs (an empty cell)."""
    get = lookup if callable(lookup) else lookup.get
    return _eval(formula.tree, get)


def _eval(tree: tuple, get: Callable[[str], float | None]) -> float | None:
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "name":
        value = get(tree[1])
        return None if value is None else float(value)
    if kind in ("neg", "pos"):
        value = _eval(tree[1], get)
        return None if value is None else (-value if kind == "neg" else value)
    left, right = _eval(tree[2], get), _eval(tree[3], get)
    if left is None or right is None:
        return None
    op = tree[1]
    if op == "+":
        result = left + right
    elif op == "-":
        result = left - right
    elif op == "*":
        result = left * right
    else:
        if right == 0:
            return None
        result = left / right
    return result if math.isfinite(result) else None
