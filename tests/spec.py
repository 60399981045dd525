"""Facts from SPEC.md that several tests check."""

SPEC_COMMANDS = {
    ("cowrite", 1),
    ("revise", 1),
    ("history", 1),
    ("diff", 1),
    ("credits", 1),
    ("export", 1),
    ("soundoff", 1),
    ("settings", 1),
    ("help", 1),
    ("notes", 1),
    ("privacy", 1),
    ("Submit as revision", 3),
}
"""Every application command as (name, type): chat-input commands are type 1, message commands type 3."""
