"""Spreadsheet cell safety shared by every CSV and XLSX the application writes (exports, records, open data).

Text a spreadsheet program would run as a formula is neutralised; numbers stay numbers (OWASP «CSV injection»).
"""

#: A text cell starting with one of these is read by spreadsheet programs as a formula (OWASP «CSV injection»).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would execute as a formula; other text is unchanged."""
    if isinstance(text, str) and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def cell(value):
    """A value for a CSV or XLSX cell: text neutralised, numbers (negative ones too) left as numbers."""
    return neutralize(value) if isinstance(value, str) else value
