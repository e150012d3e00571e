"""A local Discord for the bot: REST + gateway on 127.0.0.1, validated against Discord's own spec.

Used by the end-to-end tests and the terminal playground (`python -m bot play`). Start one with
`LocalDiscord.running()`, run the bot against it with `run_bot(fake, config)`, then act as people do:
`await fake.slash("about")`, `await fake.click(reply, "custom_id", user="bob")`,
`await fake.submit_modal(values={...})`, `await fake.say("general", "hi", user="alice")`.
Everything the bot sent is in `fake.calls` / `fake.sent_messages()`, and every body real Discord
would refuse is in `fake.violations`. `LocalDiscord(rate_limited=True)` also plays Discord's rate
limits (`fake.ratelimits`: buckets, 429s, the invalid-request counter; see `ratelimits.py`).
"""

from bot.localdiscord.actions import Actor
from bot.localdiscord.events import (
    AutocompleteShown,
    BotRequestFailed,
    BotThinking,
    LocalEvent,
    MemberRolesChanged,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    ModalOpened,
    ReactionChanged,
    ScheduledEventChanged,
)
from bot.localdiscord.gateway import Intent
from bot.localdiscord.interactions import InteractionError, InteractionRecord, Reply
from bot.localdiscord.limits import command_problems, message_problems
from bot.localdiscord.messages import Attachment, Message, Pings
from bot.localdiscord.model import (
    ALL_PERMISSIONS,
    Channel,
    ChannelType,
    Guild,
    Member,
    Perm,
    Role,
    User,
    World,
    default_world,
)
from bot.localdiscord.recording import Failure, RestCall, UploadedFile, Violation
from bot.localdiscord.runner import PingBot, bot_config, bot_environment, run_bot, run_client
from bot.localdiscord.server import BotCrashed, BotError, LocalDiscord
from bot.localdiscord.spec import Problem, SpecValidator, discord_error_body

__all__ = [
    "ALL_PERMISSIONS",
    "Actor",
    "Attachment",
    "AutocompleteShown",
    "BotCrashed",
    "BotError",
    "BotRequestFailed",
    "BotThinking",
    "Channel",
    "ChannelType",
    "Failure",
    "Guild",
    "Intent",
    "InteractionError",
    "InteractionRecord",
    "LocalDiscord",
    "LocalEvent",
    "Member",
    "MemberRolesChanged",
    "Message",
    "MessageCreated",
    "MessageDeleted",
    "MessageEdited",
    "ModalOpened",
    "Perm",
    "PingBot",
    "Pings",
    "Problem",
    "ReactionChanged",
    "Reply",
    "RestCall",
    "Role",
    "ScheduledEventChanged",
    "SpecValidator",
    "UploadedFile",
    "User",
    "Violation",
    "World",
    "bot_config",
    "bot_environment",
    "command_problems",
    "default_world",
    "discord_error_body",
    "message_problems",
    "run_bot",
    "run_client",
]
