"""One check for every sorted, paged list: a column's order and its reverse, a second page, harmless bad input."""
import html
import re

NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
PAGE = re.compile(r"Страница (\d+) из (\d+)")


def body(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html.unescape(response.get_data(as_text=True))


def assert_sorts_and_pages(client, path: str, key: str, first: str, last: str, *, default_first: str | None = None):
    """Call with a page size of 2: `first` is on page 1 sorted by `key` and `last` is not; `-key` swaps them.

    The pager leads to page 2 keeping the sort; ?page past the end shows the last page; an unknown ?sort= falls
    back to the default order (page 1 then holds `default_first`) and a negative ?page= to page 1."""
    glue = "&" if "?" in path else "?"
    up, down = body(client, f"{path}{glue}sort={key}"), body(client, f"{path}{glue}sort=-{key}")
    assert first in up and last not in up, "ascending: page 1 holds the first row, not the last"
    assert last in down and first not in down, "descending: the order is reversed"
    assert 'aria-sort="ascending"' in up or 'aria-current="true"' in up, "the current order is announced"
    assert PAGE.search(up).group(1) == "1", "the list has pages"
    following = NEXT.search(up).group(1)
    assert f"sort={key}" in following and "page=2" in following, "the pager keeps the sort"
    assert PAGE.search(body(client, following)).group(1) == "2"
    shown, pages = PAGE.search(body(client, f"{path}{glue}sort={key}&page=99")).groups()
    assert shown == pages != "1", "past the end: the last page"
    bogus = body(client, f"{path}{glue}sort=drop%20table&page=-3")
    assert PAGE.search(bogus).group(1) == "1"
    if default_first is not None:
        assert default_first in bogus, "an unknown sort key falls back to the default order"
