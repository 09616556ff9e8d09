"""Filling the report form the way a person does: each field found by its visible label."""
import re

from playwright.sync_api import Page

from monitoring.indicators import FIELD_BY_CODE


def field(page: Page, code: str):
    """The input labelled with the indicator's label (percent fields add « (0–100)» to it)."""
    label = FIELD_BY_CODE[code].label
    return page.get_by_label(re.compile("^" + re.escape(label) + r"( \(0–100\))?$"))


def fill_report(page: Page, values: dict) -> None:
    for code, value in values.items():
        field(page, code).fill(str(value))
