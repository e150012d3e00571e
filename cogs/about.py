"""`/about`: what the bot is, the show, the content pack and the commands.

Everything in it comes from the content snapshot, so the embed is built once per snapshot (an
import or an approved community question replaces the snapshot, and with it this embed)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import LittleThingsBot
from bot.content.snapshot import ContentSnapshot

EMBED_COLOUR = discord.Colour.from_rgb(233, 140, 120)


class About(commands.Cog):
    def __init__(self, bot: LittleThingsBot) -> None:
        self.bot = bot

    @app_commands.command(name="about")
    @app_commands.describe(ephemeral="Show the answer only to you")
    async def about(self, interaction: discord.Interaction, ephemeral: bool = False) -> None:
        """What this bot is, the show it knows, and its commands."""
        embed = await self.build_embed()
        await interaction.response.send_message(
            embed=embed, ephemeral=ephemeral, allowed_mentions=discord.AllowedMentions.none()
        )
        if interaction.guild_id is not None and interaction.permissions.manage_guild:
            refused = self.refusals_text(interaction.guild_id)
            if refused:
                await interaction.followup.send(
                    refused, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
                )

    async def build_embed(self) -> discord.Embed:
        """The shared /about embed of the current snapshot; nothing may change it."""
        content = self.bot.content
        embed: discord.Embed = content.cached(("about",), lambda: self._embed(content))
        return embed

    def _embed(self, content: ContentSnapshot) -> discord.Embed:
        info = content.show
        embed = discord.Embed(
            title="Little Things fan bot",
            colour=EMBED_COLOUR,
            description=(
                "Trivia games, season recaps, cast and character facts, watch-party countdowns and "
                "release reminders for fans of the show. Everything it knows comes from a content pack "
                "that the server's moderators can edit."
            ),
        )
        if info is None:
            embed.add_field(
                name="Content",
                value="No content pack is loaded yet. A moderator can check it with "
                "`python -m bot content validate` and load it with `python -m bot content import`.",
                inline=False,
            )
        else:
            show = info.show
            years = f"{info.first_year}–{info.last_year}" if info.first_year and info.last_year else ""
            embed.add_field(
                name=show.title,
                value=(
                    f"{show.premise}\n{show.studio} · created by {show.created_by} · "
                    f"{info.season_count} seasons, {info.episode_count} episodes{', ' + years if years else ''}"
                )[:1024],
                inline=False,
            )
            stats = content.stats
            embed.add_field(
                name=f"Content pack {info.pack_version}",
                value=(
                    f"{stats.get('people', 0)} people · {stats.get('characters', 0)} characters · "
                    f"{stats.get('facts', 0)} facts · "
                    f"{stats.get('trivia_pack_active', 0) + stats.get('trivia_community_active', 0)} trivia questions"
                ),
                inline=False,
            )
        commands_text = " ".join(f"`{name}`" for name in self.bot.command_mentions())
        embed.add_field(name="Commands", value=commands_text[:1024] or "none yet", inline=False)
        embed.set_footer(text="A fan project; not affiliated with Dice Media or Netflix.")
        return embed

    def refusals_text(self, guild_id: int) -> str:
        """For moderators, privately: posts Discord refused here lately (each also logged once at WARNING)."""
        recent = self.bot.refusals.recent(guild_id)
        if not recent:
            return ""
        text = "**Posts Discord refused in this server lately** (only you see this):"
        for refusal in recent[:5]:
            text += f"\n• <t:{int(refusal.at.timestamp())}:R> a {refusal.what}: {refusal.explain()}"
        return text[:2000]


async def setup(bot: LittleThingsBot) -> None:
    await bot.add_cog(About(bot))
