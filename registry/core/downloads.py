"""Downloads: one way to name a file in `Content-Disposition`, and to keep personal data out of every cache.

A file's name often carries a unit's code or an organization's name, Cyrillic or, in legacy rows, with a newline
or a slash. RFC 6266 says how to send it: `filename*=UTF-8''<percent-encoded>` for the real name, and a plain ASCII
`filename="…"` for clients that read only that. Control characters and path separators never reach either, so a
header never holds a newline (werkzeug's 500) or a character latin-1 cannot encode (a hung download).
"""
import re
import unicodedata
from urllib.parse import quote

from flask import Response

#: What `Cache-Control` says for anything holding personal data or unpublished statistics.
NO_STORE = "private, no-store"

_CONTROL_OR_SEPARATOR = re.compile(r"[\x00-\x1f\x7f-\x9f/\\\u2028\u2029]+")
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._-]+")


def clean_name(name: str) -> str:
    """The name without control characters or path separators (each run becomes one `_`), stripped of dots and
    spaces at the ends; `download` if nothing is left."""
    cleaned = _CONTROL_OR_SEPARATOR.sub("_", name).strip(" ._")
    return cleaned or "download"


def ascii_fallback(name: str) -> str:
    """A plain-ASCII stand-in for `name`: accents dropped, anything else as `_`; `download.<ext>` if no letter or
    digit of the name's stem survives."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    stem, extension = _plain(stem), _plain(extension)
    if not re.search(r"[A-Za-z0-9]", stem):
        stem = "download"
    return f"{stem}.{extension}" if extension else stem


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_PLAIN.sub("_", text).strip("._")


def content_disposition(name: str, *, inline: bool = False) -> str:
    """`attachment` (or `inline`) with an ASCII `filename` and the real one as RFC 5987 `filename*`."""
    name = clean_name(name)
    encoded = quote(name, safe="!#$&+-.^_`|~")
    return f"{'inline' if inline else 'attachment'}; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"


def as_download(response: Response, name: str, *, inline: bool = False, private: bool = True) -> Response:
    """Name the response's file; a private one (the default) is never stored by a browser or a proxy."""
    response.headers["Content-Disposition"] = content_disposition(name, inline=inline)
    if private:
        response.headers["Cache-Control"] = NO_STORE
    return response


def no_store(response: Response) -> Response:
    """Keep a page with personal data out of every cache (after_request hook of the records' blueprints)."""
    response.headers["Cache-Control"] = NO_STORE
    return response
