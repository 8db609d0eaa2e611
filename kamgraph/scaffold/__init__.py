"""``kamgraph new-plugin NAME``: write a working, installable plugin to start from.

The files are the templates beside this module, with ``${...}`` names filled in (only the braced form,
so that GraphQL's ``$variables`` pass through):
``${plugin}`` (the plugin's name, its app label and the prefix of its permissions, events, jobs and tables),
``${package}`` (its Python package), ``${Model}``/``${model}`` (its table's class and snake name),
``${modelCamel}`` (its GraphQL name), ``${models}``/``${listName}``/``${MODELS}`` (plural: snake, GraphQL, constant) ``${words}``/``${many}`` (for descriptions), ``${core_migration}`` and
``${kamgraph_version}``.
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


def singular(word: str) -> str | None:
    """``tickets`` -> ``ticket``, ``boxes`` -> ``box``, ``support`` as it is; None when unsure (``news``,
    ``status``), so that the caller asks for ``--model``."""
    for ending, replacement in (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("sses", "ss")):
        if word.endswith(ending):
            return word[: -len(ending)] + replacement
    if word.endswith(("us", "is", "ss", "ews", "ies", "ses")):
        return None
    return word[:-1] if word.endswith("s") else word


def snake_case(name: str) -> str:
    """``FieldVisit`` -> ``field_visit``, ``HTTPLog`` -> ``http_log``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _camel(snake: str) -> str:
    first, *rest = snake.split("_")
    return first + "".join(part.capitalize() for part in rest)


def names(plugin: str, model: str | None = None) -> dict[str, str]:
    """Every name the templates use, derived from the plugin's name (and its model's, when given)."""
    from kamgraph import __version__
    from kamgraph import plugin as public
    from kamgraph.plugin_manager import available_plugins

    if not NAME.match(plugin):
        raise ScaffoldError(f"{plugin!r} is not a plugin name: lower case letters, digits and single underscores")
    if plugin in available_plugins():
        raise ScaffoldError(f"a plugin named {plugin!r} is already installed; choose another name")
    if model is None:
        one = singular(plugin)
        if one is None:
            raise ScaffoldError(f"cannot tell the singular of {plugin!r}: name the model, e.g. --model Ticket")
        model = "".join(part.capitalize() for part in one.split("_"))
    if not MODEL.match(model):
        raise ScaffoldError(f"{model!r} is not a model name: a class name such as Ticket or FieldVisit")
    if {model, f"{model}Type", f"{model}Status"} & set(public.__all__):
        raise ScaffoldError(f"{model!r} is a name kamgraph.plugin already has; name the model otherwise (--model)")
    snake = snake_case(model)
    models = plural(snake)
    return {
        "plugin": plugin,
        "package": f"kam_{plugin}",
        "Model": model,
        "model": snake,
        "models": models,
        "modelCamel": _camel(snake),
        "listName": _camel(models),
        "MODELS": models.upper(),
        "words": snake.replace("_", " "),
        "many": models.replace("_", " "),
        "core_migration": latest_core_migration(),
        "kamgraph_version": __version__,
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
