"""JSON answers encoded by orjson (issue 18): the same values Flask's own provider writes, several times faster on
the long lists (a region's 8,000-row review queue took 19 ms to encode with the standard library).

Instants and dates still go through Flask's `default` (HTTP dates, as DefaultJSONProvider writes them), keys are
sorted as Flask sorts them; text is written as UTF-8 rather than \\u escapes (the same JSON, a third of the size in
Cyrillic). Templates' `tojson` keeps Flask's own `dumps`.
"""
from datetime import date

import orjson
from flask import current_app
from flask.json.provider import DefaultJSONProvider
from werkzeug.wrappers import Response

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


class OrjsonProvider(DefaultJSONProvider):
    def response(self, *args, **kwargs) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        option = _OPTIONS | orjson.OPT_PASSTHROUGH_DATETIME
        if (self.compact is None and self._app.debug) or self.compact is False:
            option |= orjson.OPT_INDENT_2
        return self._app.response_class(orjson.dumps(obj, default=self.default, option=option) + b"\n",
                                        mimetype=self.mimetype)


def sent_as_is(items: list[dict]) -> Response:
    """A list answer already in its schema's shape, sent without the schema's second pass over thousands of items;
    dates and instants as ISO 8601, as the schema's Date and DateTime fields write them (orjson's own format for
    them is isoformat's)."""
    return current_app.response_class(orjson.dumps(items, default=_iso, option=_OPTIONS) + b"\n",
                                      mimetype="application/json")


def _iso(value):
    if isinstance(value, date):  # a subclass orjson does not take as a date
        return value.isoformat()
    return current_app.json.default(value)
