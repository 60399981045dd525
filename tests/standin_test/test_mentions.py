"""Which mentions would ping, given ``allowed_mentions``."""

from __future__ import annotations

from tests.standin.mentions import check_allowed_mentions, resolve_mentions
from tests.standin.world import Json

USER, OTHER, ROLE, AUTHOR = 111111111111111111, 222222222222222222, 333333333333333333, 444444444444444444
TEXT = f"@everyone <@{USER}> <@!{OTHER}> <@&{ROLE}>"


def _pings(content: str, allowed: Json | None, replied: int | None = None) -> list[tuple[str, int | None]]:
    mentions = resolve_mentions(
        message_id=1, channel_id=2, content=content, allowed=allowed, replied_user_id=replied, author_id=AUTHOR
    )
    return [(p.kind, p.target_id) for p in mentions.pings]


def test_everything_pings_without_allowed_mentions() -> None:
    """With no ``allowed_mentions`` Discord pings every mention in the content, and the replied-to author."""
    assert _pings(TEXT, None, replied=OTHER) == [
        ("user", USER),
        ("user", OTHER),
        ("role", ROLE),
        ("everyone", None),
        ("replied_user", OTHER),
    ]


def test_empty_parse_pings_nobody() -> None:
    """``AllowedMentions.none()`` (parse: [], replied_user false) silences everything."""
    assert _pings(TEXT, {"parse": [], "replied_user": False}, replied=OTHER) == []


def test_listed_users_ping_and_others_do_not() -> None:
    """An explicit users list pings only those users."""
    assert _pings(TEXT, {"parse": [], "users": [str(OTHER)]}) == [("user", OTHER)]


def test_replying_to_yourself_never_pings() -> None:
    """The author of the replied-to message is not pinged when it is the sender."""
    assert _pings("thanks", None, replied=AUTHOR) == []


def test_here_counts_under_everyone() -> None:
    """``@here`` is governed by the ``everyone`` parse type."""
    assert _pings("@here listen", {"parse": ["everyone"]}) == [("here", None)]


def test_parse_users_with_a_users_list_is_refused() -> None:
    """Discord rejects ``parse: ["users"]`` together with a users list."""
    problems = check_allowed_mentions({"parse": ["users"], "users": [str(USER)]})
    assert [p.code for p in problems] == ["MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE"]
