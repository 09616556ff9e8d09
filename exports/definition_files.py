"""Form description files: the built-in layouts in `exports/forms/`, a directory of more (the app's
EXPORT_FORMS_DIR), read and validated once per file version. Dropping a new file there adds a form without any
code change."""
import json
from functools import lru_cache
from pathlib import Path

from exports.definition_parser import build
from exports.definitions import FormDefinition, FormDefinitionError

FORMS_DIR = Path(__file__).resolve().parent / "forms"
DEFAULT_FORM = "mentoring_federal"


def load(path: Path | str) -> FormDefinition:
    """Read and validate one description file (JSON; YAML when PyYAML is installed)."""
    path = Path(path)
    return _load_cached(path.resolve(), path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _load_cached(path: Path, _mtime_ns: int) -> FormDefinition:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml  # optional: only when someone ships a YAML layout
        except ImportError:
            raise FormDefinitionError(path.name, ["для описаний в YAML установите PyYAML или сохраните в JSON"]) \
                from None
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise FormDefinitionError(path.name, [f"файл не читается как YAML: {exc}"]) from None
    else:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FormDefinitionError(path.name, [f"файл не читается как JSON: {exc.msg}, строка {exc.lineno}, "
                                                  f"позиция {exc.colno}"]) from None
    return build(raw, path.name)


def form_files(directories: list[Path]) -> dict[str, Path]:
    """Description files by form code (the file name without extension); later directories win."""
    found: dict[str, Path] = {}
    for directory in directories:
        if directory.is_dir():
            for path in sorted(directory.iterdir()):
                if path.suffix.lower() in (".json", ".yaml", ".yml"):
                    found[path.stem] = path
    return found
