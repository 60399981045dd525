"""A submitted modal read from the interaction's own data, with no modal object kept in memory.

discord.py routes a submit to the Modal instance that opened it and silently drops it when there is none (after a
restart, or once a timeout expired), so a member's long revision was lost. Reading the submission from
``interaction.data`` lets a form be answered by its custom id alone, like a persistent button.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import discord

LABEL, ACTION_ROW, TEXT_INPUT, FILE_UPLOAD = 18, 1, 4, 19


@dataclass(frozen=True, slots=True)
class SubmittedFile:
    """A file uploaded through a modal's File Upload: what Discord's ``resolved.attachments`` says of it."""

    filename: str
    size: int
    url: str


@dataclass(frozen=True, slots=True)
class Submission:
    """The values of a submitted modal by component custom id."""

    custom_id: str
    texts: Mapping[str, str]
    files: Mapping[str, tuple[SubmittedFile, ...]]


def read_submission(interaction: discord.Interaction) -> Submission:
    """The text inputs and uploaded files of a modal-submit interaction."""
    data: Mapping[str, Any] = interaction.data or {}
    attachments: Mapping[str, Mapping[str, Any]] = (data.get("resolved") or {}).get("attachments") or {}
    texts: dict[str, str] = {}
    files: dict[str, tuple[SubmittedFile, ...]] = {}
    for component in _leaves(data.get("components") or ()):
        custom_id = component.get("custom_id")
        if not isinstance(custom_id, str):
            continue
        if component.get("type") == TEXT_INPUT:
            texts[custom_id] = str(component.get("value") or "")
        elif component.get("type") == FILE_UPLOAD:
            chosen = (attachments.get(str(i)) for i in component.get("values") or ())
            files[custom_id] = tuple(
                SubmittedFile(str(a.get("filename", "file")), int(a.get("size", 0)), str(a.get("url", "")))
                for a in chosen
                if a is not None
            )
    return Submission(str(data.get("custom_id", "")), texts, files)


def _leaves(components: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    """The inputs inside Labels and (legacy) action rows."""
    for component in components:
        if component.get("type") == LABEL:
            yield from _leaves([component.get("component") or {}])
        elif component.get("type") == ACTION_ROW:
            yield from _leaves(component.get("components") or ())
        else:
            yield component
