"""Prompt templates for the LLM writer, kept as reviewable Markdown files beside this module."""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def load(name: str) -> str:
    """Return the text of a prompt template by file name, e.g. ``load("draft.md")``."""
    return resources.files("prompts").joinpath(name).read_text("utf-8")
