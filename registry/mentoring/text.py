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


#: СНИЛС numbers up to 001-001-998 were issued before the checksum rule and are never checked (ПФР).
SNILS_UNCHECKED_UP_TO = 1001998


def snils_digits(text: str | None) -> str:
    """The 11 digits of a СНИЛС typed as 112-233-445 95, 11223344595 or with other separators."""
    return "".join(ch for ch in str(text or "") if ch.isdigit() and ch.isascii())


def snils_error(text: str) -> str | None:
    """Why a СНИЛС is invalid (length or the ПФР control number), or None when valid."""
    stripped = str(text).strip()
    if any(not (ch.isdigit() and ch.isascii()) and ch not in "- " for ch in stripped):
        return "СНИЛС состоит из 11 цифр, в виде ХХХ-ХХХ-ХХХ ХХ."
    digits = snils_digits(stripped)
    if len(digits) != 11:
        return "СНИЛС состоит из 11 цифр, в виде ХХХ-ХХХ-ХХХ ХХ."
    number, control = int(digits[:9]), int(digits[9:])
    if number <= SNILS_UNCHECKED_UP_TO:
        return None
    total = sum(int(d) * w for d, w in zip(digits[:9], range(9, 0, -1), strict=True))
    expected = total % 101 if total > 101 else total
    expected = 0 if expected in (100, 101) else expected
    return None if control == expected else "Неверное контрольное число СНИЛС: проверьте, нет ли опечатки."


def format_snils(digits: str) -> str:
    return f"{digits[0:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:11]}"


def masked_snils(digits: str) -> str:
    """What is shown outside the person's own organization: only the control number."""
    return f"***-***-*** {digits[9:11]}"
