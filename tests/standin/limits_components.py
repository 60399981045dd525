"""Which components Discord accepts where, and each component's own bounds (developers/components/reference).

Placement, checked first: a message holds action rows (components v2: rows, sections, text, media, files,
separators and containers); a message's action row holds up to five buttons or one select, never a text input
or a file upload; a modal holds action rows, text displays and Labels; a modal's action row holds one text
input; a Label has label text and wraps exactly one input (text input, select, file upload, radio group,
checkbox group or checkbox), never a button. A component in the wrong place gets one ``UNION_TYPE_CHOICES``
error on its own path, and nothing under it is checked further, as Discord stops there too.

Then every placed component: interactive ones need a ``custom_id`` of 1–100 characters, unique across the
whole message or modal; File Upload takes ``max_values`` 1–10, ``min_values`` 0–10 and not above
``max_values`` (defaults 1), and at least 1 while it is required; labels, placeholders and options stay
within their lengths.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .errors import (
    Problem,
    at_least,
    at_most,
    bad_length,
    join,
    length,
    required,
    too_long,
    union_type,
)
from .world import Json

ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
SECTION, TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER = 9, 10, 11, 12, 13, 14, 17
LABEL, FILE_UPLOAD, RADIO_GROUP, CHECKBOX_GROUP, CHECKBOX = 18, 19, 21, 22, 23
SELECTS = (3, 5, 6, 7, 8)
MESSAGE_TOP = (ROW,)
V2_TOP = (ROW, SECTION, TEXT_DISPLAY, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER)
CONTAINER_CHILDREN = (ROW, SECTION, TEXT_DISPLAY, MEDIA_GALLERY, FILE, SEPARATOR)
SECTION_CHILDREN = (TEXT_DISPLAY,)
SECTION_ACCESSORIES = (BUTTON, THUMBNAIL)
MESSAGE_ROW_CHILDREN = (BUTTON, *SELECTS)
MODAL_TOP = (ROW, TEXT_DISPLAY, LABEL)
MODAL_ROW_CHILDREN = (TEXT_INPUT,)
LABEL_CHILDREN = (STRING_SELECT, TEXT_INPUT, 5, 6, 7, 8, FILE_UPLOAD, RADIO_GROUP, CHECKBOX_GROUP, CHECKBOX)
INTERACTIVE = (BUTTON, *SELECTS, TEXT_INPUT, FILE_UPLOAD, RADIO_GROUP, CHECKBOX_GROUP, CHECKBOX)
LINK_STYLE, PREMIUM_STYLE = 5, 6

MAX_CUSTOM_ID = 100
MAX_ROWS = 5
MAX_ROW_BUTTONS = 5
MAX_BUTTON_LABEL = 80
MAX_MODAL_TITLE = 45
MAX_MODAL_COMPONENTS = 5
MAX_LABEL_TEXT = 45
MAX_LABEL_DESCRIPTION = 100
MAX_TEXT_INPUT = 4000
MAX_UPLOAD_FILES = 10
MAX_V2_COMPONENTS = 40


@dataclass
class _Layout:
    """What a placement pass found: misplaced components and the ones to check one by one."""

    problems: list[Problem] = field(default_factory=list)
    placed: list[tuple[str, Json]] = field(default_factory=list)

    def fits(self, component: object, path: str, allowed: tuple[int, ...]) -> bool:
        """Place ``component`` at ``path`` if its type may sit there; else note Discord's union error."""
        if not isinstance(component, dict) or component.get("type") not in allowed:
            self.problems.append(union_type(path, allowed))
            return False
        self.placed.append((path, component))
        return True


def walk(components: list[Json], prefix: str) -> Iterator[tuple[str, Json]]:
    """Every component under ``components`` with its Discord error path (``…components.0.component``)."""
    for index, component in enumerate(components):
        yield from _walk_one(component, join(prefix, index))


def _walk_one(component: Json, path: str) -> Iterator[tuple[str, Json]]:
    if not isinstance(component, dict):
        return
    yield path, component
    yield from walk(component.get("components") or [], join(path, "components"))
    for key in ("accessory", "component"):
        if isinstance(component.get(key), dict):
            yield from _walk_one(component[key], join(path, key))


def check_components(components: list[Json], *, v2: bool = False, prefix: str = "components") -> list[Problem]:
    """A message's components: placement (rows of ≤5 buttons or one select, ≤5 rows; v2 layouts), then each."""
    layout = _Layout()
    if v2:
        if sum(1 for _ in walk(components, prefix)) > MAX_V2_COMPONENTS:
            layout.problems.append(too_long(prefix, MAX_V2_COMPONENTS))
    elif len(components) > MAX_ROWS:
        layout.problems.append(too_long(prefix, MAX_ROWS))
    for index, component in enumerate(components):
        _place_in_message(layout, component, join(prefix, index), V2_TOP if v2 else MESSAGE_TOP)
    return layout.problems + _check_placed(layout.placed)


def _place_in_message(layout: _Layout, component: object, path: str, allowed: tuple[int, ...]) -> None:
    if not layout.fits(component, path, allowed):
        return
    assert isinstance(component, dict)
    kind = component["type"]
    children = component.get("components") or []
    if kind == ROW:
        _place_row(layout, component, path, MESSAGE_ROW_CHILDREN)
    elif kind == CONTAINER:
        for index, child in enumerate(children):
            _place_in_message(layout, child, join(join(path, "components"), index), CONTAINER_CHILDREN)
    elif kind == SECTION:
        for index, child in enumerate(children):
            layout.fits(child, join(join(path, "components"), index), SECTION_CHILDREN)
        if "accessory" in component:
            layout.fits(component["accessory"], join(path, "accessory"), SECTION_ACCESSORIES)


def _place_row(layout: _Layout, row: Json, path: str, allowed: tuple[int, ...]) -> None:
    children = row.get("components") or []
    if not children:
        layout.problems.append(bad_length(join(path, "components"), 1, 5))
        return
    fitting = [layout.fits(child, join(join(path, "components"), i), allowed) for i, child in enumerate(children)]
    if not all(fitting):
        return
    buttons = sum(1 for child in children if child["type"] == BUTTON)
    if allowed == MODAL_ROW_CHILDREN:
        too_wide = len(children) > 1
    else:
        too_wide = buttons > MAX_ROW_BUTTONS or (len(children) > 1 and buttons != len(children))
    if too_wide:
        layout.problems.append(
            Problem(
                join(path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        )


def check_modal(data: Json, *, prefix: str = "data") -> list[Problem]:
    """A modal: title ≤ 45, custom id 1–100, 1–5 components placed as Discord allows, then each component."""
    problems: list[Problem] = []
    title = data.get("title")
    if not title:
        problems.append(required(join(prefix, "title")))
    problems += length(title, join(prefix, "title"), MAX_MODAL_TITLE)
    if not data.get("custom_id"):
        problems.append(required(join(prefix, "custom_id")))
    problems += length(data.get("custom_id"), join(prefix, "custom_id"), MAX_CUSTOM_ID)
    components = data.get("components") or []
    if not 1 <= len(components) <= MAX_MODAL_COMPONENTS:
        problems.append(bad_length(join(prefix, "components"), 1, MAX_MODAL_COMPONENTS))
    layout = _Layout()
    for index, component in enumerate(components):
        path = join(join(prefix, "components"), index)
        if not layout.fits(component, path, MODAL_TOP):
            continue
        if component["type"] == ROW:
            _place_row(layout, component, path, MODAL_ROW_CHILDREN)
        elif component["type"] == LABEL:
            _place_label(layout, component, path)
    return problems + layout.problems + _check_placed(layout.placed)


def _place_label(layout: _Layout, label: Json, path: str) -> None:
    if not label.get("label"):
        layout.problems.append(required(join(path, "label")))
    inner = label.get("component")
    if inner is None:
        layout.problems.append(required(join(path, "component")))
    else:
        layout.fits(inner, join(path, "component"), LABEL_CHILDREN)


def _check_placed(placed: list[tuple[str, Json]]) -> list[Problem]:
    """Each placed component's own bounds, and custom ids present and unique across the message or modal."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for path, component in placed:
        problems += _check_item(component, path)
        problems += _check_custom_id(component, path)
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str) and custom_id:
            if custom_id in seen:
                problems.append(
                    Problem(
                        join(path, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                )
            seen.add(custom_id)
    return problems


def _check_custom_id(component: Json, path: str) -> list[Problem]:
    kind = component.get("type")
    custom_id = component.get("custom_id")
    id_path = join(path, "custom_id")
    if kind not in INTERACTIVE:
        return []
    if kind == BUTTON and component.get("style") in (LINK_STYLE, PREMIUM_STYLE):
        return []
    if custom_id is None or custom_id == "":
        if kind == BUTTON:
            return [Problem(id_path, "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", "A custom id required")]
        return [required(id_path)]
    return list(length(custom_id, id_path, MAX_CUSTOM_ID))


def _check_item(component: Json, path: str) -> list[Problem]:
    kind = component.get("type")
    problems: list[Problem] = []
    if kind == BUTTON:
        problems += length(component.get("label"), join(path, "label"), MAX_BUTTON_LABEL)
        if component.get("style") == LINK_STYLE and not component.get("url"):
            problems.append(required(join(path, "url")))
    elif kind in SELECTS:
        problems += length(component.get("placeholder"), join(path, "placeholder"), 150)
        options = component.get("options") or []
        if kind == STRING_SELECT and not 1 <= len(options) <= 25:
            problems.append(bad_length(join(path, "options"), 1, 25))
        for number, option in enumerate(options):
            for key in ("label", "value", "description"):
                problems += length(option.get(key), f"{path}.options.{number}.{key}", 100)
    elif kind == TEXT_INPUT:
        problems += _check_text_input(component, path)
    elif kind == LABEL:
        problems += length(component.get("label"), join(path, "label"), MAX_LABEL_TEXT)
        problems += length(component.get("description"), join(path, "description"), MAX_LABEL_DESCRIPTION)
    elif kind == FILE_UPLOAD:
        problems += _check_file_upload(component, path)
    return problems


def _check_text_input(component: Json, path: str) -> list[Problem]:
    problems = list(length(component.get("label"), join(path, "label"), 45))
    problems += length(component.get("placeholder"), join(path, "placeholder"), 100)
    value = component.get("value")
    limit = min(int(component.get("max_length") or MAX_TEXT_INPUT), MAX_TEXT_INPUT)
    problems += length(value, join(path, "value"), limit)
    for key in ("min_length", "max_length"):
        if int(component.get(key) or 0) > MAX_TEXT_INPUT:
            problems.append(at_most(join(path, key), MAX_TEXT_INPUT))
    return problems


def _check_file_upload(component: Json, path: str) -> list[Problem]:
    """``max_values`` 1–10, ``min_values`` 0–10 (both default 1; ``null`` counts as omitted, as discord.py sends
    it), ``min_values ≤ max_values``, and ``min_values ≥ 1`` while ``required`` (default true)."""
    problems: list[Problem] = []
    low, high = component.get("min_values"), component.get("max_values")
    if high is not None and high > MAX_UPLOAD_FILES:
        problems.append(at_most(join(path, "max_values"), MAX_UPLOAD_FILES))
    if high is not None and high < 1:
        problems.append(at_least(join(path, "max_values"), 1))
    if low is not None and low > MAX_UPLOAD_FILES:
        problems.append(at_most(join(path, "min_values"), MAX_UPLOAD_FILES))
    if low is not None and low < 0:
        problems.append(at_least(join(path, "min_values"), 0))
    if problems:
        return problems
    effective_low, effective_high = (1 if low is None else low), (1 if high is None else high)
    if effective_low > effective_high:
        problems.append(
            Problem(
                join(path, "min_values"),
                "COMPONENT_MIN_VALUES_GREATER_THAN_MAX",
                "min_values must be less than or equal to max_values",
            )
        )
    if component.get("required", True) and low == 0:
        problems.append(
            Problem(
                join(path, "min_values"),
                "COMPONENT_MIN_VALUES_REQUIRED",
                "min_values must be at least 1 when the component is required",
            )
        )
    return problems
