"""Sections a higher layer adds to monitoring's pages, with their data computed by the view, not the template.

Monitoring sits below exports, so the regional dashboard cannot import exports' stored forms; exports registers its
section here instead (template + data function), and the dashboard's view gathers every section's data.
"""
from collections.abc import Callable
from dataclasses import dataclass

from deadlines.models import Campaign


@dataclass(frozen=True)
class Panel:
    template: str
    data: Callable[[Campaign], dict]


#: The regional dashboard's added sections, in registration order.
REGION_PANELS: list[Panel] = []


def add_region_panel(template: str, data: Callable[[Campaign], dict]) -> None:
    REGION_PANELS.append(Panel(template, data))


def region_panels(campaign: Campaign) -> list[tuple[str, dict]]:
    """(template, data) of every registered section, for the view to hand to its template."""
    return [(panel.template, panel.data(campaign)) for panel in REGION_PANELS]
