"""The JSON API's schema base (PRODUCT.md §7): input allow-lists that refuse unknown fields and report errors as a
flat map "field" or "parent.child" → messages in Russian, and the strict field types every domain's API shares.
"""
import math

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields

from registry.core.api import FIELD_MESSAGES, SCHEMA_MESSAGES

#: Larger magnitudes cannot be counts or percentages and would lose precision as floats.
MAX_NUMBER = 10**15


def flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """{"deadlines": {"organization": [...]}} → {"deadlines.organization": [...]}."""
    if not isinstance(messages, dict):
        return {prefix or "_schema": [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = prefix if key == "_schema" and prefix else f"{prefix}.{key}" if prefix else str(key)
        flat.update(flatten(value, name))
    return flat


class BaseSchema(Schema):
    """JSON input: unknown fields are refused; nested errors are flattened to dotted field names."""

    class Meta:
        unknown = RAISE

    error_messages = SCHEMA_MESSAGES

    def handle_error(self, error: ValidationError, data, *, many: bool, **kwargs):
        raise ValidationError(flatten(error.messages), data=data, valid_data=error.valid_data)


class QuerySchema(BaseSchema):
    """Query strings: unknown parameters are ignored (caches and proxies add their own)."""

    class Meta:
        unknown = EXCLUDE


class Str(fields.String):
    default_error_messages = {**FIELD_MESSAGES, "invalid": "Нужна строка.", "invalid_utf8": "Нужна строка UTF-8."}


class Int(fields.Integer):
    """A JSON integer: strings, fractions and booleans are refused."""

    default_error_messages = {**FIELD_MESSAGES, "invalid": "Нужно целое число.", "too_large": "Слишком большое число."}

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class Number(fields.Number):
    """A JSON number, kept as given (1000 stays an integer); strings, booleans, NaN and infinities refused."""

    num_type = float
    default_error_messages = {**FIELD_MESSAGES, "invalid": "Нужно число.", "too_large": "Слишком большое число."}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.make_error("invalid")
        if abs(value) > MAX_NUMBER:
            raise self.make_error("too_large")
        return value

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class NumberMap(fields.Dict):
    """An object code → number; each bad entry is reported under its own code."""

    default_error_messages = {**FIELD_MESSAGES, "invalid": "Нужен объект: код показателя → число."}

    def __init__(self, **kwargs):
        super().__init__(keys=Str(), values=Number(), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        result, errors = {}, {}
        for key, item in value.items():
            try:
                result[key] = self.value_field.deserialize(item)
            except ValidationError as exc:
                errors[str(key)] = exc.messages
        if errors:
            raise ValidationError(errors)
        return result


class Instant(fields.AwareDateTime):
    """An ISO-8601 instant with an explicit offset."""

    default_error_messages = {
        **FIELD_MESSAGES,
        "invalid": "Нужны дата и время ISO-8601, например 2026-10-20T23:59:00+10:00.",
        "invalid_awareness": "Укажите часовой пояс, например 2026-10-20T23:59:00+10:00.",
        "format": "Нужны дата и время ISO-8601.",
    }
