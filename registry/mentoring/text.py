"""Text rules shared by records and the public search: normalisation (case, ё) and ИНН checksums."""
import re

_WORD = re.compile(r"[0-9a-zа-я]+")


def normalize(text: str | None) -> str:
    """Lower-case and fold ё into е, so «Ёлкина», «ЕЛКИНА» and «елкина» are one word to every engine."""
    if not text:
        return ""
    return " ".join(text.lower().replace("ё", "е").split())


def search_words(query: str | None, limit: int = 8) -> list[str]:
    """The words of a search query, normalised; punctuation and query syntax are dropped, never interpreted."""
    return _WORD.findall(normalize(query))[:limit]


_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_error(inn: str) -> str | None:
    """Why an ИНН is invalid (length, digits, control digits of the ФНС algorithm), or None when valid."""
    if not inn.isdigit() or not inn.isascii():
        return "ИНН состоит только из цифр."
    if len(inn) not in (10, 12):
        return "ИНН организации — 10 цифр, ИНН индивидуального предпринимателя — 12 цифр."
    digits = [int(c) for c in inn]
    if len(inn) == 10:
        ok = digits[9] == _check_digit(digits, _INN10)
    else:
        ok = digits[10] == _check_digit(digits, _INN12_11) and digits[11] == _check_digit(digits, _INN12_12)
    return None if ok else "Неверные контрольные цифры ИНН: проверьте, нет ли опечатки."
