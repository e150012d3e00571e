"""Answering interactions: the callback, follow-ups, and the `@original` response.

Discord's rules that bots trip over are enforced here: one callback per interaction (40060), an
answer within 3 seconds (10062), callback types that fit the interaction, follow-ups only after an
acknowledgement, and the first follow-up after a "thinking" defer replacing the loading message.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.localdiscord.events import AutocompleteShown, ModalOpened
from bot.localdiscord.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    UPDATE_MESSAGE,
    InteractionRecord,
)
from bot.localdiscord.messages import EPHEMERAL, LOADING, Message
from bot.localdiscord.recording import Violation
from bot.localdiscord.routes.base import NO_CONTENT, ApiError, Request, Routes, RouteTable, field_error, flag
from bot.localdiscord.spec import Problem

log = logging.getLogger(__name__)

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
WEBHOOK = "/webhooks/{webhook_id}/{webhook_token}"
ORIGINAL = "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
WEBHOOK_MESSAGE = "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"

# Which answers fit which interaction (6 and 7 also need a message the interaction came from).
ALLOWED_CALLBACKS: dict[int, set[int]] = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}


class InteractionRoutes(Routes):
    """The interaction callback and the webhook routes that share its token."""

    def table(self) -> RouteTable:
        table: RouteTable = {("POST", CALLBACK): self.interaction_callback, ("POST", WEBHOOK): self.create_followup}
        for target in (ORIGINAL, WEBHOOK_MESSAGE):
            table["GET", target] = self.get_webhook_message
            table["PATCH", target] = self.edit_webhook_message
            table["DELETE", target] = self.delete_webhook_message
        return table

    async def interaction_callback(self, req: Request) -> Any:
        fake = self.fake
        record = fake.interactions.get(req.param("interaction_id"))
        if record is None or record.token != req.params["interaction_token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        if record.acknowledged:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if fake.ack_deadline is not None and fake.loop_time() - record.dispatched_at > fake.ack_deadline:
            log.warning(
                "localdiscord: %s answered after %.1fs; Discord forgets an interaction after 3s",
                record.label,
                fake.loop_time() - record.dispatched_at,
            )
            raise ApiError(404, 10062, "Unknown interaction")
        body = req.body
        kind = body.get("type")
        data: dict[str, Any] = body["data"] if isinstance(body.get("data"), dict) else {}
        if kind not in ALLOWED_CALLBACKS.get(record.type, set()) or (
            kind in (DEFERRED_UPDATE, UPDATE_MESSAGE) and record.source_message is None
        ):
            error = field_error(
                400,
                "type",
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Interaction callback type {kind} is not valid for this interaction.",
            )
            problem = Problem(
                ("type",),
                f"callback type {kind} is not valid for interaction type {record.type}",
                "INTERACTION_RESPONSE_TYPE_INVALID",
                error.message,
            )
            violation = Violation(req.method, req.route, req.call.path, (problem,), req.json)
            req.call.violation = violation
            fake.violations.append(violation)
            raise error

        record.response_type = kind
        record.callback_body = body
        record.acked_at = fake.loop_time()
        resource_message: Message | None = None
        if kind == CHANNEL_MESSAGE:
            resource_message = await fake.board.post(
                record.channel,
                data,
                req.files,
                author=fake.world.bot_user,
                interaction=record,
                visible_to=record.user.id if (data.get("flags") or 0) & EPHEMERAL else None,
            )
            record.original = resource_message
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            ephemeral = bool((data.get("flags") or 0) & EPHEMERAL)
            resource_message = await fake.board.post(
                record.channel,
                {"content": ""},
                (),
                author=fake.world.bot_user,
                interaction=record,
                visible_to=record.user.id if ephemeral else None,
                flags=LOADING | (EPHEMERAL if ephemeral else 0),
                thinking=True,
            )
            record.original = resource_message
        elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            record.original = record.source_message
            if kind == UPDATE_MESSAGE and record.source_message is not None:
                await fake.board.edit(record.source_message, data, req.files)
            resource_message = record.source_message if kind == UPDATE_MESSAGE else None
        elif kind == AUTOCOMPLETE_RESULT:
            record.choices = list(data.get("choices") or [])
            fake.feed.publish(AutocompleteShown(record.id, record.user, record.choices))
        elif kind == MODAL:
            record.modal = data
            fake.feed.publish(ModalOpened(record.id, record.user, data))
        fake.feed.notify()

        if not flag(req, "with_response"):
            return NO_CONTENT
        summary: dict[str, Any] = {"id": str(record.id), "type": record.type}
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE) and resource_message is not None:
            summary.update(
                response_message_id=str(resource_message.id),
                response_message_loading=kind == DEFERRED_CHANNEL_MESSAGE,
                response_message_ephemeral=resource_message.ephemeral,
            )
        resource: dict[str, Any] = {"type": kind}
        if resource_message is not None:
            resource["message"] = fake.board.payload(resource_message)
        return {"interaction": summary, "resource": resource}

    def _record_for_webhook(self, req: Request) -> InteractionRecord:
        record = self.fake.interaction_by_token(req.params["webhook_token"])
        if record is None or req.param("webhook_id") != self.fake.application_id:
            raise ApiError(404, 10015, "Unknown Webhook")
        return record

    async def create_followup(self, req: Request) -> Any:
        fake = self.fake
        record = self._record_for_webhook(req)
        if not record.acknowledged:
            raise ApiError(404, 10015, "Unknown Webhook")
        body = req.body
        original = record.original
        if (
            record.response_type == DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and original.loading
            and not original.deleted
        ):
            # Discord: the first follow-up after a "thinking" defer replaces the loading message and
            # keeps the defer's visibility, whatever flags it carries.
            await fake.board.edit(original, body, req.files, resolve_loading=True)
            message = original
        else:
            ephemeral = bool((body.get("flags") or 0) & EPHEMERAL)
            message = await fake.board.post(
                record.channel,
                body,
                req.files,
                author=fake.world.bot_user,
                interaction=record,
                visible_to=record.user.id if ephemeral else None,
                followup=True,
            )
            record.followups.append(message)
        fake.feed.notify()
        if not flag(req, "wait"):
            return NO_CONTENT
        return fake.board.payload(message)

    def _webhook_target(self, req: Request) -> tuple[InteractionRecord, Message]:
        record = self._record_for_webhook(req)
        if req.route == ORIGINAL:
            message = record.original
        else:
            wanted = req.param("message_id")
            candidates = ([record.original] if record.original else []) + record.followups
            message = next((m for m in candidates if m.id == wanted), None)
        if message is None or message.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        return record, message

    async def get_webhook_message(self, req: Request) -> Any:
        _, message = self._webhook_target(req)
        return self.fake.board.payload(message)

    async def edit_webhook_message(self, req: Request) -> Any:
        _, message = self._webhook_target(req)
        await self.fake.board.edit(message, req.body, req.files, resolve_loading=True)
        return self.fake.board.payload(message)

    async def delete_webhook_message(self, req: Request) -> Any:
        _, message = self._webhook_target(req)
        await self.fake.board.remove(message)
        return NO_CONTENT
