"""Modals the stand-in refuses as Discord does, sent as raw interaction callbacks (type 9): File Uploads outside
a Label, Labels without text or component or around a button, File Upload bounds, and custom ids."""

from __future__ import annotations

import discord
import pytest

from tests.standin import InteractionHandle, StandIn
from tests.standin.world import Json
from tests.standin_test.probe import Probe
from tests.standin_test.raw import Answer, respond

MODAL = 9


@pytest.fixture
async def pending(standin: StandIn, probe: Probe) -> InteractionHandle:
    """A slash interaction the probe leaves unanswered, for the test to answer over HTTP."""

    @probe.tree.command(description="Leave the answer to the test")
    async def hold(interaction: discord.Interaction) -> None:
        """Return without responding: the test sends the callback itself."""

    await probe.sync_to(standin)
    return await standin.slash("hold")


def _label(component: Json | None, text: str | None = "Melody") -> Json:
    label: Json = {"type": 18}
    if text is not None:
        label["label"] = text
    if component is not None:
        label["component"] = component
    return label


def _upload(custom_id: str = "melody", **bounds: object) -> Json:
    return {"type": 19, "custom_id": custom_id, **bounds}


def _text(custom_id: str = "lyrics") -> Json:
    return {"type": 4, "custom_id": custom_id, "style": 2}


def _modal(*components: Json) -> Json:
    return {"custom_id": "revise:modal", "title": "Revise", "components": list(components)}


async def _refused(standin: StandIn, handle: InteractionHandle, *components: Json) -> Answer:
    answer = await respond(standin, handle, MODAL, _modal(*components))
    assert (answer.status, answer.code) == (400, 50035), answer.body
    assert handle.record.modal is None
    return answer


async def _accepted(standin: StandIn, handle: InteractionHandle, *components: Json) -> None:
    answer = await respond(standin, handle, MODAL, _modal(*components))
    assert answer.status == 200, answer.body
    assert (await handle.modal()).custom_id == "revise:modal"


async def test_a_file_upload_must_sit_in_a_label(standin: StandIn, pending: InteractionHandle) -> None:
    """At the modal's top level or in an action row a File Upload is UNION_TYPE_CHOICES; in a Label it is fine."""
    top = await _refused(standin, pending, _label(_text()), _upload())
    assert top.errors_at("data.components.1") == ["UNION_TYPE_CHOICES"]
    in_row = await _refused(standin, pending, {"type": 1, "components": [_upload()]})
    assert in_row.errors_at("data.components.0.components.0") == ["UNION_TYPE_CHOICES"]
    await _accepted(standin, pending, _label(_text(), "Lyrics"), _label(_upload()))


async def test_a_label_needs_text_and_one_input(standin: StandIn, pending: InteractionHandle) -> None:
    """A Label without label text or without a component is BASE_TYPE_REQUIRED; around a button, UNION_TYPE_CHOICES."""
    no_text = await _refused(standin, pending, _label(_upload(), text=None))
    assert no_text.errors_at("data.components.0.label") == ["BASE_TYPE_REQUIRED"]
    empty_text = await _refused(standin, pending, _label(_upload(), text=""))
    assert empty_text.errors_at("data.components.0.label") == ["BASE_TYPE_REQUIRED"]
    no_component = await _refused(standin, pending, _label(None))
    assert no_component.errors_at("data.components.0.component") == ["BASE_TYPE_REQUIRED"]
    button = {"type": 2, "style": 1, "custom_id": "go", "label": "Go"}
    wrapped = await _refused(standin, pending, _label(button))
    assert wrapped.errors_at("data.components.0.component") == ["UNION_TYPE_CHOICES"]
    await _accepted(standin, pending, _label(_upload()))


async def test_file_upload_bounds(standin: StandIn, pending: InteractionHandle) -> None:
    """``max_values`` 11 is NUMBER_TYPE_MAX; ``min_values`` above ``max_values``, or 0 while required, is refused;
    0..10 on an optional upload is fine."""
    eleven = await _refused(standin, pending, _label(_upload(max_values=11)))
    assert eleven.errors_at("data.components.0.component.max_values") == ["NUMBER_TYPE_MAX"]
    crossed = await _refused(standin, pending, _label(_upload(min_values=3, max_values=2)))
    assert crossed.errors_at("data.components.0.component.min_values") == ["COMPONENT_MIN_VALUES_GREATER_THAN_MAX"]
    above_default = await _refused(standin, pending, _label(_upload(min_values=2)))
    assert above_default.errors_at("data.components.0.component.min_values") == [
        "COMPONENT_MIN_VALUES_GREATER_THAN_MAX"
    ]
    none_required = await _refused(standin, pending, _label(_upload(min_values=0)))
    assert none_required.errors_at("data.components.0.component.min_values") == ["COMPONENT_MIN_VALUES_REQUIRED"]
    await _accepted(standin, pending, _label(_upload(min_values=0, max_values=10, required=False)))


async def test_discord_py_file_upload_payload_is_valid(standin: StandIn, pending: InteractionHandle) -> None:
    """discord.py sends ``min_values: null``: that counts as omitted, as Discord reads it."""
    upload: discord.ui.FileUpload[discord.ui.Modal] = discord.ui.FileUpload(
        custom_id="melody", required=False, max_values=1
    )
    await _accepted(standin, pending, _label(dict(upload.to_component_dict())))


async def test_modal_inputs_need_unique_custom_ids(standin: StandIn, pending: InteractionHandle) -> None:
    """An input without ``custom_id`` is BASE_TYPE_REQUIRED; two sharing one are COMPONENT_CUSTOM_ID_DUPLICATED."""
    nameless = await _refused(standin, pending, _label({"type": 4, "style": 2}, "Lyrics"))
    assert nameless.errors_at("data.components.0.component.custom_id") == ["BASE_TYPE_REQUIRED"]
    twice = await _refused(standin, pending, _label(_text("part"), "Verse"), _label(_upload("part")))
    assert twice.errors_at("data.components.1.component.custom_id") == ["COMPONENT_CUSTOM_ID_DUPLICATED"]
    await _accepted(standin, pending, _label(_text("verse"), "Verse"), _label(_upload("melody")))
