"""What the soak expects an answer to show of the values it sent (bench/soak_load.py)."""
from monitoring.indicators import SURVEY_PAIRS
from surveys.privacy import small_respondents

#: The writes a curator makes: their answers show the organization's own figures unmasked.
CURATOR_ROUTES = ("PUT submission", "POST submit")


def difference(sent: dict, answered: dict) -> dict:
    """The codes whose value differs between what the script expects and what the answer holds."""
    return {code: [sent.get(code), answered.get(code)] for code in sorted(set(sent) | set(answered))
            if sent.get(code) != answered.get(code)}


def shown_to(route: str, values: dict) -> dict:
    """`values` as the answer of `route` shows them: an official's answer hides a satisfaction % of under 5
    respondents (the under-5 rule, surveys.privacy)."""
    if route in CURATOR_ROUTES:
        return values
    return {code: value for code, value in values.items()
            if not (code in SURVEY_PAIRS and small_respondents(values.get(SURVEY_PAIRS[code])))}
