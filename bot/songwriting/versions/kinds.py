"""What kind of version a version is: the AI's first draft, an AI variation, or a member's revision."""

from __future__ import annotations

from enum import StrEnum


class VersionKind(StrEnum):
    """Stored as its value (SPEC §1 names them); knows how it is shown and whether the AI wrote it."""

    AI_DRAFT = "ai-draft"
    AI_VARIATION = "ai-variation"
    HUMAN_REVISION = "human-revision"

    @property
    def display_name(self) -> str:
        return _DISPLAY[self]

    @property
    def by_ai(self) -> bool:
        """The AI's versions are disclosed as such; a member's are credited to the member."""
        return self is not VersionKind.HUMAN_REVISION


_DISPLAY = {
    VersionKind.AI_DRAFT: "AI draft",
    VersionKind.AI_VARIATION: "AI variation",
    VersionKind.HUMAN_REVISION: "Revision",
}
