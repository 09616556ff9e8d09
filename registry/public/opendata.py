"""Open data: the public lists as CSV (UTF-8 with BOM, `;`, as Russian Excel expects) and JSON, streamed."""
import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator

from registry.core.cells import cell
from registry.mentoring.vocab import PUBLIC_FIELDS
from registry.public import queries

#: dataset → (columns in order, Russian headers, rows)
DATASETS: dict[str, tuple[tuple[str, ...], dict[str, str], Callable[[], Iterable[dict]]]] = {
    "mentors": (("id", "full_name", "position", "organization", "municipality", "category", "forms", "competences",
                 "achievements", "awards"),
                {"id": "Номер", **{k: v.capitalize() for k, v in PUBLIC_FIELDS.items()},
                 "organization": "Организация", "municipality": "Муниципалитет"},
                queries.all_mentors),
    "practices": (("id", "title", "organization", "municipality", "form", "role_model", "description", "results",
                   "published_at"),
                  {"id": "Номер", "title": "Название", "organization": "Организация", "municipality": "Муниципалитет",
                   "form": "Форма наставничества", "role_model": "Ролевая модель", "description": "Описание",
                   "results": "Результаты", "published_at": "Опубликована"},
                  queries.practices),
    "partners": (("id", "name", "inn", "kind", "region", "organizations", "mentors_provided"),
                 {"id": "Номер", "name": "Наименование", "inn": "ИНН", "kind": "Вид", "region": "Регион",
                  "organizations": "Образовательные организации", "mentors_provided": "Предоставлено наставников"},
                 queries.partners),
}
DATASET_TITLES = {"mentors": "Наставники", "practices": "Лучшие практики", "partners": "Предприятия-партнёры"}


def _cell(value):
    return cell("; ".join(map(str, value)) if isinstance(value, list) else value)


def csv_stream(dataset: str) -> Iterator[str]:
    columns, headers, source = DATASETS[dataset]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([headers[c] for c in columns])
    yield "\ufeff" + buffer.getvalue()
    for item in source():
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(item.get(c)) for c in columns])
        yield buffer.getvalue()


def json_stream(dataset: str) -> Iterator[str]:
    _, _, source = DATASETS[dataset]
    yield "["
    for i, item in enumerate(source()):
        yield ("," if i else "") + json.dumps(item, ensure_ascii=False)
    yield "]"
