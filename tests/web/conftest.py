"""Helpers for the web page tests: URLs of the world's campaign and form posting with every value."""
import re

import pytest

from monitoring.indicators import CODES
from tests import factories


def campaign_url(world, suffix: str = "") -> str:
    return f"/campaigns/{world.region.code}/{factories.YEAR}/{suffix}"


def submission_url(world, org) -> str:
    return campaign_url(world, f"submissions/{org.code}")


def form_data(values: dict, *, version: int) -> dict:
    """The report form as a browser sends it: every field present, empty when not filled. «Сохранить черновик»
    posts it to the page's own address, «Отправить на проверку» to that address + "/submit"."""
    data = dict.fromkeys(CODES, "")
    data.update({code: str(value) for code, value in values.items()})
    data.update(version=str(version))
    return data


def text(response) -> str:
    return response.get_data(as_text=True)


def hidden_version(response) -> int:
    return int(re.search(r'name="version" value="(\d+)"', text(response)).group(1))


@pytest.fixture
def year():
    return factories.YEAR
