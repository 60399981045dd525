"""Discord's message, component, modal and command limits as the stand-in enforces them."""

from __future__ import annotations

from tests.standin.errors import DiscordError, Problem, form_error
from tests.standin.limits import check_message
from tests.standin.limits_commands import check_commands
from tests.standin.limits_components import check_components, check_modal
from tests.standin.world import Json


def _paths(problems: list[Problem]) -> list[str]:
    return [p.path for p in problems]


def _button(custom_id: str, label: str = "ok") -> Json:
    return {"type": 2, "style": 1, "custom_id": custom_id, "label": label}


def _row(*items: Json) -> Json:
    return {"type": 1, "components": list(items)}


def test_content_of_2000_is_fine_and_2001_is_not() -> None:
    """Content may be 2000 characters, not one more."""
    assert check_message({"content": "x" * 2000}, 0) == []
    assert _paths(check_message({"content": "x" * 2001}, 0)) == ["content"]


def test_embed_fields_have_their_own_limits() -> None:
    """Title 256, description 4096, field name 256 and value 1024, footer 2048, at most 25 fields."""
    embed = {
        "title": "t" * 257,
        "description": "d" * 4097,
        "fields": [{"name": "n" * 257, "value": "v" * 1025}] + [{"name": "n", "value": "v"}] * 25,
        "footer": {"text": "f" * 2049},
    }
    paths = _paths(check_message({"embeds": [embed]}, 0))
    assert paths[:6] == [
        "embeds.0.title",
        "embeds.0.description",
        "embeds.0.fields",
        "embeds.0.fields.0.name",
        "embeds.0.fields.0.value",
        "embeds.0.footer.text",
    ]


def test_embeds_share_a_6000_character_budget() -> None:
    """Two embeds each within their limits still fail when together they pass 6000 characters."""
    embeds = [{"description": "d" * 3001}, {"description": "d" * 3000}]
    problems = check_message({"embeds": embeds}, 0)
    assert [p.code for p in problems] == ["MAX_EMBED_SIZE_EXCEEDED"]


def test_at_most_ten_embeds_and_ten_files() -> None:
    """Eleven embeds or eleven files are refused."""
    assert _paths(check_message({"embeds": [{"title": "a"}] * 11}, 0)) == ["embeds"]
    assert _paths(check_message({"content": "a"}, 11)) == ["attachments"]


def test_component_rows_and_buttons_per_row() -> None:
    """At most five rows of at most five buttons."""
    rows = [_row(*(_button(f"b{r}{i}") for i in range(5))) for r in range(6)]
    assert _paths(check_components(rows)) == ["components"]
    wide = [_row(*(_button(f"b{i}") for i in range(6)))]
    assert [p.code for p in check_components(wide)] == ["COMPONENT_LAYOUT_WIDTH_EXCEEDED"]


def test_custom_id_length_label_length_and_uniqueness() -> None:
    """custom_id ≤ 100 and unique in the message, button label ≤ 80."""
    rows = [_row(_button("x" * 101), _button("same", "l" * 81), _button("same"))]
    codes = {p.path: p.code for p in check_components(rows)}
    assert codes == {
        "components.0.components.0.custom_id": "BASE_TYPE_MAX_LENGTH",
        "components.0.components.1.label": "BASE_TYPE_MAX_LENGTH",
        "components.0.components.2.custom_id": "COMPONENT_CUSTOM_ID_DUPLICATED",
    }


def test_modal_title_and_text_input_value() -> None:
    """A modal title is at most 45 characters and a prefilled text input value at most 4000."""
    text_input = {"type": 4, "custom_id": "lyrics", "style": 2, "label": "Lyrics", "value": "v" * 4001}
    modal = {"custom_id": "m", "title": "t" * 46, "components": [_row(text_input)]}
    assert _paths(check_modal(modal)) == ["data.title", "data.components.0.components.0.value"]


def test_commands_need_lowercase_names_and_required_options_first() -> None:
    """Slash names are lowercase; a required option may not follow an optional one; ≤ 25 choices."""
    choices = [{"name": str(i), "value": str(i)} for i in range(26)]
    options = [
        {"type": 3, "name": "mood", "description": "d", "required": False},
        {"type": 3, "name": "theme", "description": "d", "required": True},
        {"type": 3, "name": "key", "description": "d", "choices": choices},
    ]
    commands = [{"type": 1, "name": "CoWrite", "description": "d", "options": options}]
    assert _paths(check_commands(commands)) == ["0.name", "0.options.1", "0.options.2.choices"]


def test_form_error_nests_like_discord() -> None:
    """Problems fold into Discord's nested ``errors`` tree under 50035."""
    error = form_error(check_message({"content": "x" * 2001}, 0, prefix="data"))
    assert isinstance(error, DiscordError)
    assert error.body() == {
        "message": "Invalid Form Body",
        "code": 50035,
        "errors": {
            "data": {
                "content": {
                    "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]
                }
            }
        },
    }
