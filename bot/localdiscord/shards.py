"""Several servers spread over gateway shards, so tests and the playground can run a sharded bot.

Discord puts a server on shard `(guild_id >> 22) % shard_count`; a session that IDENTIFYs with
`[shard_id, shard_count]` only hears about the servers on its shard. `sharded_world` copies the
default server (same people, same roles and channels, new ids) so that every shard owns at least
one server, and `shard_of` is the one formula both the stand-in and the tests use.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from bot.localdiscord.ids import snowflake_at
from bot.localdiscord.model import _FIXED_EPOCH, Channel, Guild, Member, Role, World, default_world


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


def _id_on_shard(shard: int, shard_count: int, start_ms: int, increment: int) -> int:
    ms = start_ms
    while True:
        candidate = snowflake_at(_FIXED_EPOCH + timedelta(milliseconds=ms), increment)
        if shard_of(candidate, shard_count) == shard:
            return candidate
        ms += 1


def copy_guild(world: World, guild_id: int, name: str, first_ms: int) -> Guild:
    """A server like the world's first one (same people, role names and channel names), with new ids."""
    source = world.guilds[0]
    created = source.created_at
    guild = Guild(guild_id, name, owner_id=source.owner_id, created_at=created)
    role_ids: dict[int, int] = {}
    for index, role in enumerate(source.roles.values()):
        new_id = (
            guild_id if role.id == source.id
            else snowflake_at(_FIXED_EPOCH + timedelta(milliseconds=first_ms), index + 1)
        )
        role_ids[role.id] = new_id
        guild.roles[new_id] = dataclasses.replace(role, id=new_id)
    for index, channel in enumerate(source.channels.values()):
        new_id = snowflake_at(_FIXED_EPOCH + timedelta(milliseconds=first_ms + 1), index + 1)
        guild.channels[new_id] = Channel(new_id, channel.name, channel.type, guild_id=guild_id,
                                         position=channel.position, topic=channel.topic)
    for user_id, member in source.members.items():
        guild.members[user_id] = Member(member.user, [role_ids[r] for r in member.roles], member.joined_at, member.nick)
    return guild


def sharded_world(shard_count: int, guilds_per_shard: int = 1) -> World:
    """The default world plus copies of its server, so each of `shard_count` shards owns `guilds_per_shard`."""
    world = default_world()
    owned = {s: [g for g in world.guilds if shard_of(g.id, shard_count) == s] for s in range(shard_count)}
    ms = 10 * 24 * 3600 * 1000  # well after the default ids
    number = 2
    for shard in range(shard_count):
        while len(owned[shard]) < guilds_per_shard:
            guild_id = _id_on_shard(shard, shard_count, ms, number)
            guild = copy_guild(world, guild_id, f"Little Things Fans {number}", ms + 1000)
            world.extra_guilds.append(guild)
            owned[shard].append(guild)
            ms += 10_000
            number += 1
    return world


__all__ = ["Role", "copy_guild", "shard_of", "sharded_world"]
