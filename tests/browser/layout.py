"""Measuring a page's layout the way a person would see it."""
from playwright.sync_api import Page


def sideways_scroll(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (wide tables scroll inside their own wrapper).

    Measured after the load event: a click that lands on a new page returns as soon as its text shows, and until
    the stylesheet is back (a 304 revalidation) the unstyled page is wider than the styled one."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
