"""``kamgraph new-plugin NAME``: write a working, installable plugin to start from.

The files are the templates beside this module, with ``${...}`` names filled in (only the braced form,
so that GraphQL's ``$variables`` pass through):
``${plugin}`` (the plugin's name, its app label and the prefix of its permissions, events, jobs and tables),
``${package}`` (its Python package), ``${Model}``/``${model}`` (its table's class and snake name),
``${modelCamel}`` (its GraphQL name), ``${models}``/``${listName}``/``${MODELS}`` (plural: snake, GraphQL, constant) ``${words}`` (for descriptions) and ``${core_migration}``.
``examples/tickets`` in kamgraph's repository is exactly what ``kamgraph new-plugin tickets`` writes.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

TEMPLATE = Path(__file__).parent / "template"
NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
MODEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")


class ScaffoldError(ValueError):
    """A name the scaffold cannot use, or a folder that is already there."""


def plural(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + ("es" if re.search(r"(s|x|z|ch|sh)$", word) else "s")


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def names(plugin: str, model: str | None = None) -> dict[str, str]:
    """Every name the templates use, derived from the plugin's name (and its model's, when given)."""
    if not NAME.match(plugin):
        raise ScaffoldError(f"{plugin!r} is not a plugin name: lower case letters, digits and single underscores")
    model = model or "".join(part.capitalize() for part in singular(plugin).split("_"))
    if not MODEL.match(model):
        raise ScaffoldError(f"{model!r} is not a model name: a class name such as Ticket or FieldVisit")
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", model).lower()
    models = plural(snake)
    camel = models.split("_")[0] + "".join(part.capitalize() for part in models.split("_")[1:])
    return {
        "plugin": plugin,
        "package": f"kam_{plugin}",
        "Model": model,
        "model": snake,
        "models": models,
        "modelCamel": snake.split("_")[0] + "".join(part.capitalize() for part in snake.split("_")[1:]),
        "listName": camel,
        "MODELS": models.upper(),
        "words": snake.replace("_", " "),
        "core_migration": latest_core_migration(),
    }


def latest_core_migration() -> str:
    """The core's newest migration, which the plugin's first one runs after (as makemigrations writes it)."""
    folder = Path(importlib.import_module("kamgraph.migrations.core").__path__[0])
    return max(path.stem for path in folder.glob("[0-9]*.py"))


def render(plugin: str, model: str | None = None) -> dict[str, str]:
    """The plugin's files, as relative path -> text."""
    values = names(plugin, model)
    files = {}
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = _fill(str(source.relative_to(TEMPLATE).with_suffix("")), values)
        files[relative] = _fill(source.read_text(encoding="utf-8"), values)
    return files


def _fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda found: values[found.group(1)], text)


def new_plugin(plugin: str, folder: Path, model: str | None = None) -> list[Path]:
    """Write the plugin into ``folder`` (which must not exist yet); returns the files written."""
    files = render(plugin, model)
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists; choose another folder (nothing was written)")
    written = []
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
