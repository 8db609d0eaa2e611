"""Every hook is documented in docs/plugins.md with its signature and an example."""

import inspect
import re
from pathlib import Path

import pytest

from kamgraph import hookspecs

DOC = (Path(__file__).parent.parent / "docs" / "plugins.md").read_text(encoding="utf-8")
HOOKS = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(fn, "kamgraph_spec")]


def test_hooks_are_found():
    assert "register_queries" in HOOKS and "on_event" in HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_section_with_signature_and_example(hook):
    section = re.search(rf"^### `{hook}`\n(.*?)(?=^### |\Z)", DOC, re.S | re.M)
    assert section, f"docs/plugins.md has no section for hook {hook}"
    params = inspect.signature(getattr(hookspecs, hook)).parameters
    text = section.group(1)
    assert f"def {hook}(" in text, f"the section for {hook} does not show its signature"
    for param in params:
        assert f"{param}:" in text.split("```")[1], f"the signature of {hook} in the docs lacks {param}"
    assert "@hookimpl" in text, f"the section for {hook} has no example implementation"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_docstring(hook):
    assert (getattr(hookspecs, hook).__doc__ or "").strip(), f"hookspec {hook} has no docstring"


def test_firstresult_hooks_say_so():
    for hook in HOOKS:
        if getattr(hookspecs, hook).kamgraph_spec.get("firstresult"):
            assert "firstresult" in getattr(hookspecs, hook).__doc__
            assert re.search(rf"### `{hook}`.*?`firstresult`", DOC, re.S)
