"""Message bodies and threads the stand-in refuses as Discord does, fed over plain HTTP: components in the wrong
place, missing or duplicated custom ids, empty embed fields and archive durations Discord does not offer."""

from __future__ import annotations

import pytest

from tests.standin import StandIn
from tests.standin.world import Json
from tests.standin_test.raw import Answer, call


def _button(custom_id: str | None, label: str = "ok") -> Json:
    button: Json = {"type": 2, "style": 1, "label": label}
    if custom_id is not None:
        button["custom_id"] = custom_id
    return button


def _row(*items: Json) -> Json:
    return {"type": 1, "components": list(items)}


async def _post(standin: StandIn, body: Json) -> Answer:
    return await call(standin, "POST", f"/channels/{standin.scene.general.id}/messages", body)


def _refused(answer: Answer, path: str) -> list[str]:
    """The inner codes at ``path`` of a 400 ``50035 Invalid Form Body``."""
    assert (answer.status, answer.code) == (400, 50035), answer.body
    return answer.errors_at(path)


async def test_a_text_input_in_a_message_is_refused(standin: StandIn) -> None:
    """A text input belongs in modals: in a message's action row it is Discord's UNION_TYPE_CHOICES."""
    text_input = {"type": 4, "custom_id": "lyrics", "style": 2, "label": "Lyrics"}
    answer = await _post(standin, {"content": "write", "components": [_row(text_input)]})
    assert _refused(answer, "components.0.components.0") == ["UNION_TYPE_CHOICES"]
    assert (
        "must be one of (2, 3, 5, 6, 7, 8)"
        in answer.body["errors"]["components"]["0"]["components"]["0"]["_errors"][0]["message"]
    )
    assert (await _post(standin, {"content": "write", "components": [_row(_button("write"))]})).status == 200


async def test_a_file_upload_in_a_message_row_is_refused(standin: StandIn) -> None:
    """A File Upload in a message's action row is refused like any modal-only component."""
    upload = {"type": 19, "custom_id": "melody"}
    answer = await _post(standin, {"content": "upload", "components": [_row(upload)]})
    assert _refused(answer, "components.0.components.0") == ["UNION_TYPE_CHOICES"]


async def test_a_file_upload_at_a_messages_top_level_is_refused(standin: StandIn) -> None:
    """Outside an action row a legacy message takes nothing but rows."""
    answer = await _post(standin, {"content": "upload", "components": [{"type": 19, "custom_id": "melody"}]})
    assert _refused(answer, "components.0") == ["UNION_TYPE_CHOICES"]


async def test_interactive_components_need_a_custom_id(standin: StandIn) -> None:
    """A button without ``custom_id`` (not a link) and a select without one are refused; a link button is not."""
    select = {"type": 3, "options": [{"label": "C", "value": "C"}]}
    answer = await _post(standin, {"content": "x", "components": [_row(_button(None)), _row(select)]})
    assert _refused(answer, "components.0.components.0.custom_id") == ["BUTTON_COMPONENT_CUSTOM_ID_REQUIRED"]
    assert answer.errors_at("components.1.components.0.custom_id") == ["BASE_TYPE_REQUIRED"]
    link = {"type": 2, "style": 5, "label": "docs", "url": "https://example.com"}
    assert (await _post(standin, {"content": "x", "components": [_row(link)]})).status == 200


async def test_custom_ids_are_unique_across_the_message(standin: StandIn) -> None:
    """Two components with one ``custom_id`` in different rows are COMPONENT_CUSTOM_ID_DUPLICATED."""
    rows = [_row(_button("vote:1")), _row(_button("vote:1"))]
    answer = await _post(standin, {"content": "vote", "components": rows})
    assert _refused(answer, "components.1.components.0.custom_id") == ["COMPONENT_CUSTOM_ID_DUPLICATED"]
    assert answer.errors_at("components.0.components.0.custom_id") == []
    rows = [_row(_button("vote:1")), _row(_button("vote:2"))]
    assert (await _post(standin, {"content": "vote", "components": rows})).status == 200


@pytest.mark.parametrize("key", ["name", "value"])
async def test_embed_fields_need_a_name_and_a_value(standin: StandIn, key: str) -> None:
    """An empty field name or value is Discord's BASE_TYPE_REQUIRED on that field."""
    field = {"name": "Credits", "value": "Sam, Maya"} | {key: ""}
    answer = await _post(standin, {"embeds": [{"title": "Song", "fields": [field]}]})
    assert _refused(answer, f"embeds.0.fields.0.{key}") == ["BASE_TYPE_REQUIRED"]
    missing = {k: v for k, v in {"name": "Credits", "value": "Sam"}.items() if k != key}
    answer = await _post(standin, {"embeds": [{"title": "Song", "fields": [missing]}]})
    assert _refused(answer, f"embeds.0.fields.0.{key}") == ["BASE_TYPE_REQUIRED"]
    fine = {"embeds": [{"title": "Song", "fields": [{"name": "Credits", "value": "Sam, Maya"}]}]}
    assert (await _post(standin, fine)).status == 200


async def test_thread_archive_duration_is_one_of_discords_four(standin: StandIn) -> None:
    """Starting a thread with ``auto_archive_duration`` 120 is BASE_TYPE_CHOICES; 10080 (a week) is fine."""
    posted = await _post(standin, {"content": "a new song"})
    path = f"/channels/{standin.scene.general.id}/messages/{posted.body['id']}/threads"
    answer = await call(standin, "POST", path, {"name": "song", "auto_archive_duration": 120})
    assert _refused(answer, "auto_archive_duration") == ["BASE_TYPE_CHOICES"]
    assert answer.body["errors"]["auto_archive_duration"]["_errors"][0]["message"] == (
        "Value must be one of {60, 1440, 4320, 10080}."
    )
    created = await call(standin, "POST", path, {"name": "song", "auto_archive_duration": 10080})
    assert created.status == 200
    assert created.body["thread_metadata"]["auto_archive_duration"] == 10080


async def test_editing_a_thread_checks_the_archive_duration(standin: StandIn) -> None:
    """A thread edit with a duration Discord does not offer is refused and changes nothing."""
    thread = standin.world.add_thread(standin.scene.general, "song", owner=standin.world.application.bot)
    answer = await call(standin, "PATCH", f"/channels/{thread.id}", {"auto_archive_duration": 30})
    assert _refused(answer, "auto_archive_duration") == ["BASE_TYPE_CHOICES"]
    assert thread.auto_archive_duration == 1440
    assert (await call(standin, "PATCH", f"/channels/{thread.id}", {"auto_archive_duration": 4320})).status == 200
    assert thread.auto_archive_duration == 4320


async def test_an_enforced_nonce_returns_the_message_it_made(standin: StandIn) -> None:
    """enforce_nonce: the same author's nonce seen in the past few minutes returns that message, creating none."""
    first = await _post(standin, {"content": "results", "nonce": "so-7-results", "enforce_nonce": True})
    again = await _post(standin, {"content": "results, resent", "nonce": "so-7-results", "enforce_nonce": True})
    assert (first.status, again.status) == (200, 200)
    assert again.body["id"] == first.body["id"]
    assert again.body["nonce"] == "so-7-results"
    assert [m.content for m in standin.messages(standin.scene.general)] == ["results"]


async def test_a_nonce_is_only_enforced_when_asked_and_for_a_few_minutes(standin: StandIn) -> None:
    """Without enforce_nonce a nonce is only echoed; after the window the same nonce makes a new message."""
    plain = [await _post(standin, {"content": "hi", "nonce": "n-1"}) for _ in range(2)]
    assert plain[0].body["id"] != plain[1].body["id"]
    enforced = await _post(standin, {"content": "once", "nonce": "n-2", "enforce_nonce": True})
    standin.world.clock.advance(6 * 60)
    later = await _post(standin, {"content": "once", "nonce": "n-2", "enforce_nonce": True})
    assert later.body["id"] != enforced.body["id"]


async def test_an_enforced_nonce_of_a_deleted_message_is_unknown(standin: StandIn) -> None:
    """The message the nonce made was deleted since: Discord answers 404 Unknown Message rather than post again."""
    first = await _post(standin, {"content": "gone soon", "nonce": "n-3", "enforce_nonce": True})
    channel = standin.scene.general.id
    assert (await call(standin, "DELETE", f"/channels/{channel}/messages/{first.body['id']}")).status == 204
    again = await _post(standin, {"content": "gone soon", "nonce": "n-3", "enforce_nonce": True})
    assert (again.status, again.code) == (404, 10008)


async def test_a_nonce_is_at_most_25_characters(standin: StandIn) -> None:
    answer = await _post(standin, {"content": "x", "nonce": "n" * 26, "enforce_nonce": True})
    assert _refused(answer, "nonce") == ["BASE_TYPE_MAX_LENGTH"]
