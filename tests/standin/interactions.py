"""Interactions the stand-in sent and what the bot did with them, with Discord's clocks.

An interaction must be acknowledged within ``ack_deadline`` (3 s on Discord), counted from the moment the
stand-in dispatches INTERACTION_CREATE: a later callback is Discord's 404 ``10062 Unknown interaction`` and a
recorded miss. Its token then works for ``followup_window`` (15 minutes); after that follow-ups and edits are
Discord's 401 ``50027 Invalid Webhook Token``. ``world.clock.advance`` ages every interaction at once;
``InteractionHandle.expire_token`` ages just one (a member who left a response open past 15 minutes).

Tests hold an ``InteractionHandle`` and await the outcome: the initial response, the original message once it
shows something, follow-ups, an opened modal or autocomplete choices. ``OpenedModal`` is the stand-in's own
record of a modal, independent of the bot process: one opened before a restart (or built with
``StandIn.modal_left_open`` and the ``labelled_*`` helpers) can be submitted to whichever bot is connected now.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .world import Channel, Json, Member, StoredMessage, World

T = TypeVar("T")
APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
MESSAGE, DEFERRED, DEFERRED_UPDATE, UPDATE, CHOICES, MODAL = 4, 5, 6, 7, 8, 9


@dataclass(frozen=True)
class Response:
    """The initial response: callback ``type`` and its ``data``."""

    type: int
    data: Json
    at: float


@dataclass(frozen=True)
class OpenedModal:
    """A modal the bot opened, with who it was opened for, so the test can submit it."""

    custom_id: str
    title: str
    components: list[Json]
    member: Member
    channel: Channel
    source_message_id: int | None

    def inputs(self) -> list[Json]:
        """The modal's inputs (text inputs, selects, file uploads), unwrapped from rows and labels."""
        found: list[Json] = []
        stack = list(reversed(self.components))
        while stack:
            component = stack.pop()
            if "custom_id" in component:
                found.append(component)
            stack.extend(reversed(component.get("components") or []))
            if isinstance(component.get("component"), dict):
                stack.append(component["component"])
        return found

    def as_json(self) -> Json:
        return {"custom_id": self.custom_id, "title": self.title, "components": self.components}


def labelled_text_input(
    label: str, custom_id: str, *, value: str | None = None, required: bool = True, max_length: int = 4000
) -> Json:
    """A modal's paragraph text input inside its Label, as a bot would send it (for ``modal_left_open``)."""
    text_input: Json = {"type": 4, "custom_id": custom_id, "style": 2, "required": required, "max_length": max_length}
    if value is not None:
        text_input["value"] = value
    return {"type": 18, "label": label, "component": text_input}


def labelled_file_upload(label: str, custom_id: str, *, required: bool = False, max_values: int = 1) -> Json:
    """A modal's File Upload inside its Label, as a bot would send it (for ``modal_left_open``)."""
    upload: Json = {"type": 19, "custom_id": custom_id, "required": required, "max_values": max_values}
    return {"type": 18, "label": label, "component": upload}


@dataclass(frozen=True)
class DeadlineMiss:
    """An interaction acknowledged late (``late``) or never (``none``)."""

    interaction_id: int
    label: str
    kind: str
    age: float


@dataclass(eq=False)
class InteractionRecord:
    """One interaction and everything the bot did with it."""

    id: int
    token: str
    type: int
    label: str
    member: Member
    channel: Channel
    created_at: float
    source_message_id: int | None = None
    message_type: int = 0
    response: Response | None = None
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    original_edits: list[Json] = field(default_factory=list)
    modal: OpenedModal | None = None
    choices: list[Json] | None = None
    refusals: list[Json] = field(default_factory=list)
    answer_optional: bool = False


class InteractionLog:
    """All interactions by id and token, the deadline timers and a condition tests wait on."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.ack_deadline = 3.0
        self.followup_window = 15 * 60.0
        self.records: dict[int, InteractionRecord] = {}
        self.misses: list[DeadlineMiss] = []
        self._tokens: dict[str, InteractionRecord] = {}
        self._timers: list[asyncio.TimerHandle] = []
        self._changed = asyncio.Condition()

    def open(self, record: InteractionRecord) -> None:
        """Track a new interaction and start its acknowledgement timer."""
        self.records[record.id] = record
        self._tokens[record.token] = record
        loop = asyncio.get_running_loop()
        self._timers.append(loop.call_later(self.ack_deadline, self._expire, record))

    def _expire(self, record: InteractionRecord) -> None:
        if record.response is None:
            self.misses.append(DeadlineMiss(record.id, record.label, "none", self.ack_deadline))

    def by_token(self, token: str) -> InteractionRecord | None:
        return self._tokens.get(token)

    def age(self, record: InteractionRecord) -> float:
        return self.world.clock.monotonic() - record.created_at

    def backdate(self, record: InteractionRecord, seconds: float) -> None:
        """Pretend the interaction was dispatched ``seconds`` earlier, leaving the world's clock alone."""
        record.created_at -= seconds

    def late(self, record: InteractionRecord) -> bool:
        """Whether a callback now misses the deadline (recorded as a miss)."""
        age = self.age(record)
        if age <= self.ack_deadline:
            return False
        self.misses.append(DeadlineMiss(record.id, record.label, "late", age))
        return True

    async def changed(self) -> None:
        """Wake every waiter: something about an interaction changed."""
        async with self._changed:
            self._changed.notify_all()

    async def wait(self, probe: Callable[[], T | None], within: float, describe: Callable[[], str]) -> T:
        """Wait until ``probe`` returns a value; fail the test with ``describe()`` after ``within`` seconds."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: probe() is not None), within)
            except TimeoutError:
                raise AssertionError(f"gave up after {within}s: {describe()}") from None
        result = probe()
        assert result is not None
        return result

    def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()

    def failures(self) -> list[str]:
        """Interactions a member would see fail: missed deadlines and ones never acknowledged at all.

        Autocomplete is exempt (Discord just shows no choices), and so is any record marked ``answer_optional``.
        """
        optional = {r.id for r in self.records.values() if r.answer_optional or r.type == AUTOCOMPLETE}
        found = [f"interaction deadline missed: {m}" for m in self.misses if m.interaction_id not in optional]
        missed = {m.interaction_id for m in self.misses}
        found += [
            f"interaction never acknowledged: {r.label}"
            for r in self.records.values()
            if r.response is None and r.id not in optional and r.id not in missed
        ]
        return found


class InteractionHandle:
    """What a test holds after sending an interaction: awaitable views of the bot's answer."""

    def __init__(self, record: InteractionRecord, log: InteractionLog) -> None:
        self.record = record
        self._log = log

    def __repr__(self) -> str:
        return f"<InteractionHandle {self.record.label} id={self.record.id}>"

    @property
    def id(self) -> int:
        return self.record.id

    def allow_no_answer(self) -> None:
        """Accept that this interaction goes unanswered (a test provoking a refused or late response)."""
        self.record.answer_optional = True

    def expire_token(self) -> None:
        """Age this interaction past Discord's 15-minute token lifetime, as if the bot had worked that long:
        follow-ups and edits on it now fail with 401 ``50027 Invalid Webhook Token``.

        Call it once the bot has acknowledged (an unacknowledged interaction would also miss its deadline, and
        the test fail on it, unless ``allow_no_answer``).
        """
        self._log.backdate(self.record, self._log.followup_window + 1 - self._log.age(self.record))

    @property
    def original(self) -> StoredMessage | None:
        """The original response message as it is now (``None`` before one exists)."""
        if self.record.original_id is None:
            return None
        return self.record.channel.messages.get(self.record.original_id)

    @property
    def followups(self) -> list[StoredMessage]:
        """Follow-up messages so far, oldest first (a follow-up that filled a deferral is the original)."""
        return [self.record.channel.messages[i] for i in self.record.followup_ids]

    def _story(self) -> str:
        record = self.record
        parts = [f"{record.label}: response={record.response.type if record.response else None}"]
        parts.append(f"follow-ups={len(record.followup_ids)}")
        if record.refusals:
            parts.append(f"refused requests={record.refusals}")
        misses = [m for m in self._log.misses if m.interaction_id == record.id]
        if misses:
            parts.append(f"deadline misses={misses}")
        return ", ".join(parts)

    async def response(self, within: float = 2.0) -> Response:
        """The initial response, once the bot sent one."""
        return await self._log.wait(lambda: self.record.response, within, lambda: f"no response; {self._story()}")

    async def message(self, within: float = 2.0) -> StoredMessage:
        """The original message once it shows something (a deferral counts when edited or followed up)."""

        def probe() -> StoredMessage | None:
            message = self.original
            return message if message is not None and not message.loading else None

        return await self._log.wait(probe, within, lambda: f"no visible original message; {self._story()}")

    async def edit(self, index: int = 0, within: float = 2.0) -> Json:
        """The body of the ``index``-th edit of the original response (progress updates, final results)."""

        def probe() -> Json | None:
            edits = self.record.original_edits
            return edits[index] if len(edits) > index else None

        return await self._log.wait(probe, within, lambda: f"no edit #{index} of the original; {self._story()}")

    async def followup(self, index: int = 0, within: float = 2.0) -> StoredMessage:
        """The ``index``-th follow-up message."""

        def probe() -> StoredMessage | None:
            return self.followups[index] if len(self.followups) > index else None

        return await self._log.wait(probe, within, lambda: f"no follow-up #{index}; {self._story()}")

    async def modal(self, within: float = 2.0) -> OpenedModal:
        """The modal the bot opened in response."""
        return await self._log.wait(lambda: self.record.modal, within, lambda: f"no modal; {self._story()}")

    async def choices(self, within: float = 2.0) -> list[Json]:
        """Autocomplete choices the bot returned."""
        return await self._log.wait(lambda: self.record.choices, within, lambda: f"no choices; {self._story()}")
