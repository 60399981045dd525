"""Interaction callbacks and the interaction webhook (follow-ups, original-message edits), with Discord's
rules: one initial response, the acknowledgement deadline, the token's lifetime and which response types
fit which interaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from . import messages
from .core import Core
from .errors import DiscordError, Problem, bad_length, form_error, raise_problems, too_long, unknown
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    CHOICES,
    COMPONENT,
    DEFERRED,
    DEFERRED_UPDATE,
    MESSAGE,
    MODAL,
    MODAL_SUBMIT,
    UPDATE,
    InteractionRecord,
    OpenedModal,
    Response,
)
from .limits_components import check_modal
from .mentions import Mentions
from .payloads import message_payload, user_payload
from .wire import ReceivedFile, body_of, files_of, json_response, no_content, snowflake
from .world import EPHEMERAL, Json, StoredMessage

API = "/api/v10"
ALLOWED_RESPONSES = {
    APPLICATION_COMMAND: {MESSAGE, DEFERRED, MODAL},
    COMPONENT: {MESSAGE, DEFERRED, DEFERRED_UPDATE, UPDATE, MODAL},
    AUTOCOMPLETE: {CHOICES},
    MODAL_SUBMIT: {MESSAGE, DEFERRED, DEFERRED_UPDATE, UPDATE},
}
NO_MENTIONS = Mentions((), (), False, ())


def already_acknowledged() -> DiscordError:
    return DiscordError(400, 40060, "Interaction has already been acknowledged.")


def unknown_interaction() -> DiscordError:
    return DiscordError(404, 10062, "Unknown interaction")


class InteractionRoutes:
    """``POST /interactions/{id}/{token}/callback`` and ``/webhooks/{application_id}/{token}...``."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.world = core.world
        self.log = core.log

    def routes(self) -> list[web.RouteDef]:
        hook = f"{API}/webhooks/{{application_id}}/{{token}}"
        return [
            web.post(f"{API}/interactions/{{interaction_id}}/{{token}}/callback", self.callback),
            web.post(hook, self.followup),
            web.get(f"{hook}/messages/@original", self.get_message),
            web.patch(f"{hook}/messages/@original", self.edit_message),
            web.delete(f"{hook}/messages/@original", self.delete_message),
            web.get(f"{hook}/messages/{{message_id}}", self.get_message),
            web.patch(f"{hook}/messages/{{message_id}}", self.edit_message),
            web.delete(f"{hook}/messages/{{message_id}}", self.delete_message),
        ]

    async def _refusals_noted(
        self, record: InteractionRecord, action: Callable[[], Awaitable[web.Response]]
    ) -> web.Response:
        try:
            return await action()
        except DiscordError as error:
            record.refusals.append(error.body())
            await self.log.changed()
            raise

    def _metadata(self, record: InteractionRecord) -> Json:
        return {
            "id": str(record.id),
            "type": record.type,
            "user": user_payload(record.member.user),
            "authorizing_integration_owners": {"0": str(record.channel.guild_id)},
        }

    async def callback(self, request: web.Request) -> web.Response:
        record = self.log.records.get(snowflake(request, "interaction_id"))
        if record is None or record.token != request.match_info["token"]:
            raise unknown_interaction()
        return await self._refusals_noted(record, lambda: self._respond(record, request))

    async def _respond(self, record: InteractionRecord, request: web.Request) -> web.Response:
        if self.log.late(record):
            raise unknown_interaction()
        if record.response is not None:
            raise already_acknowledged()
        body = body_of(request)
        kind = int(body.get("type", 0))
        data: Json = body.get("data") or {}
        if kind not in ALLOWED_RESPONSES.get(record.type, set()) or (
            kind in (DEFERRED_UPDATE, UPDATE) and record.source_message_id is None
        ):
            raise form_error(
                [Problem("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type")]
            )
        message = await self._apply(record, kind, data, files_of(request))
        record.response = Response(kind, data, self.world.clock.monotonic())
        await self.log.changed()
        interaction: Json = {"id": str(record.id), "type": record.type}
        answer: Json = {"interaction": interaction}
        if message is not None:
            interaction |= {
                "response_message_id": str(message.id),
                "response_message_loading": kind == DEFERRED,
                "response_message_ephemeral": message.ephemeral,
            }
            answer["resource"] = {"type": kind, "message": message_payload(self.world, message)}
        return json_response(answer)

    async def _apply(
        self, record: InteractionRecord, kind: int, data: Json, files: Sequence[ReceivedFile]
    ) -> StoredMessage | None:
        """Carry out a valid response; the message it created or changed, if any."""
        if kind == MESSAGE:
            message, mentions = messages.create(
                self.world,
                record.channel,
                self.world.application.bot,
                data,
                files,
                prefix="data",
                allow_ephemeral=True,
                message_type=record.message_type,
                webhook_id=self.world.application.id,
                interaction_metadata=self._metadata(record),
            )
            record.original_id = message.id
            await self.core.announce_new(message, mentions)
            return message
        if kind == DEFERRED:
            ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
            metadata = self._metadata(record)
            message = messages.loading(
                self.world,
                record.channel,
                self.world.application.bot,
                ephemeral=ephemeral,
                message_type=record.message_type,
                interaction_metadata=metadata,
            )
            record.original_id = message.id
            await self.core.announce_new(message, NO_MENTIONS)
            return message
        if kind in (DEFERRED_UPDATE, UPDATE):
            record.original_id = record.source_message_id
            source = self.core.message(record.channel, record.source_message_id or 0)
            if kind == UPDATE:
                await self.core.announce_edit(source, messages.edit(self.world, source, data, files, prefix="data"))
                return source
            return None
        if kind == CHOICES:
            record.choices = self._choices(data)
            return None
        raise_problems(check_modal(data))
        record.modal = OpenedModal(
            custom_id=str(data["custom_id"]),
            title=str(data["title"]),
            components=list(data.get("components") or []),
            member=record.member,
            channel=record.channel,
            source_message_id=record.source_message_id,
        )
        return None

    @staticmethod
    def _choices(data: Json) -> list[Json]:
        choices: list[Json] = list(data.get("choices") or [])
        problems = [too_long("data.choices", 25)] if len(choices) > 25 else []
        for index, choice in enumerate(choices):
            if not 1 <= len(str(choice.get("name", ""))) <= 100:
                problems.append(bad_length(f"data.choices.{index}.name", 1, 100))
        raise_problems(problems)
        return choices

    def _webhook_record(self, request: web.Request) -> InteractionRecord:
        record = self.log.by_token(request.match_info["token"])
        if record is None or snowflake(request, "application_id") != self.world.application.id:
            raise unknown("Webhook", 10015)
        return record

    def _check_token(self, record: InteractionRecord) -> None:
        if self.log.age(record) > self.log.followup_window:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        if record.response is None:
            raise unknown("Webhook", 10015)

    async def followup(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)
        return await self._refusals_noted(record, lambda: self._followup(record, request))

    async def _followup(self, record: InteractionRecord, request: web.Request) -> web.Response:
        self._check_token(record)
        body, files = body_of(request), files_of(request)
        original = record.channel.messages.get(record.original_id or 0)
        deferred = record.response and record.response.type == DEFERRED
        if deferred and original is not None and original.loading and not original.deleted:
            # Discord turns the first follow-up after a deferral into the deferred message itself; once that
            # message was deleted, a follow-up is a new message with its own flags.
            await self.core.announce_edit(original, messages.edit(self.world, original, body, files))
            message = original
        else:
            message, mentions = messages.create(
                self.world,
                record.channel,
                self.world.application.bot,
                body,
                files,
                allow_ephemeral=True,
                webhook_id=self.world.application.id,
                interaction_metadata=self._metadata(record),
            )
            await self.core.announce_new(message, mentions)
        record.followup_ids.append(message.id)
        await self.log.changed()
        if request.query.get("wait", "").lower() in ("1", "true"):
            return json_response(message_payload(self.world, message))
        return no_content()

    def _target(self, record: InteractionRecord, request: web.Request) -> StoredMessage:
        self._check_token(record)
        raw = request.match_info.get("message_id")
        message_id = record.original_id if raw is None else snowflake(request, "message_id")
        if message_id is None or (message_id != record.original_id and message_id not in record.followup_ids):
            raise unknown("Message", 10008)
        return self.core.message(record.channel, message_id)

    async def get_message(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)

        async def action() -> web.Response:
            return json_response(message_payload(self.world, self._target(record, request)))

        return await self._refusals_noted(record, action)

    async def edit_message(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)

        async def action() -> web.Response:
            message = self._target(record, request)
            mentions = messages.edit(self.world, message, body_of(request), files_of(request))
            if message.id == record.original_id:
                record.original_edits.append(body_of(request))
            await self.core.announce_edit(message, mentions)
            return json_response(message_payload(self.world, message))

        return await self._refusals_noted(record, action)

    async def delete_message(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)

        async def action() -> web.Response:
            await self.core.announce_delete(self._target(record, request))
            return no_content()

        return await self._refusals_noted(record, action)
