"""The catalog of exports (HOUSE_STYLE §8.10): document kinds, their formats and renderers, and the form layouts
found on disk. A new layout is a new file in exports/forms/ (or EXPORT_FORMS_DIR): no code change."""
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context

from exports.definition_files import DEFAULT_FORM, FORMS_DIR, form_files, load
from exports.definitions import FormDefinition, FormDefinitionError
from exports.form_csv import render_form_csv
from exports.form_pdf import render_form_pdf
from exports.form_xlsx import render_form_xlsx
from exports.form_xml import render_form_xml
from registry.core.errors import DomainError, NotFound


@dataclass(frozen=True)
class Format:
    extension: str
    mimetype: str
    label: str
    render: Callable[..., bytes] | None = None


FORM_FORMATS = {
    "pdf": Format("pdf", "application/pdf", "PDF", render_form_pdf),
    "xlsx": Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX",
                   render_form_xlsx),
    "csv": Format("csv", "text/csv; charset=utf-8", "CSV", render_form_csv),
    "xml": Format("xml", "application/xml", "XML", render_form_xml),
}


def _report_formats() -> dict[str, Format]:
    from exports.report_pdf import render_report_pdf
    from exports.report_xlsx import render_report_xlsx

    return {"pdf": Format("pdf", FORM_FORMATS["pdf"].mimetype, "PDF", render_report_pdf),
            "xlsx": Format("xlsx", FORM_FORMATS["xlsx"].mimetype, "XLSX", render_report_xlsx)}


#: Document kind → its formats (CTFd's CSV_KEYS idea): the views and the API look formats up here.
EXPORTS: dict[str, Callable[[], dict[str, Format]]] = {
    "federal-form": lambda: FORM_FORMATS,
    "monitoring-report": _report_formats,
}


def formats_of(kind: str) -> dict[str, Format]:
    return EXPORTS[kind]()


class FormLayoutInvalid(DomainError):
    status = 500
    code = "form_layout_invalid"


def _setting(name: str) -> str | None:
    """An app setting, else the environment variable of the same name (twelve-factor)."""
    value = current_app.config.get(name) if has_app_context() else None
    return value or os.environ.get(name) or None


def form_directories() -> list[Path]:
    """The shipped layouts, then the deployment's own directory (EXPORT_FORMS_DIR), whose files win."""
    directories = [FORMS_DIR]
    extra = _setting("EXPORT_FORMS_DIR")
    if extra:
        directories.append(Path(extra))
    return directories


def available_forms() -> dict[str, Path]:
    return form_files(form_directories())


def get_form(code: str | None = None) -> FormDefinition:
    """The validated layout with this code (the default one when None); NotFound or FormLayoutInvalid otherwise."""
    code = code or _setting("FEDERAL_FORM") or DEFAULT_FORM
    path = available_forms().get(code)
    if path is None:
        raise NotFound(f"Макет формы «{code}» не найден.")
    try:
        definition = load(path)
    except FormDefinitionError as exc:
        raise FormLayoutInvalid(str(exc)) from exc
    if definition.code != code:
        raise FormLayoutInvalid(f"Файл {path.name}: код формы «{definition.code}» не совпадает с именем файла.")
    return definition
