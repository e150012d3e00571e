"""`/about`: what the bot is, the show, the content pack and the commands.

Everything in it comes from the content snapshot, so the embed is built once per snapshot (an
import or an approved community question replaces the snapshot, and with it this embed)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import LittleThingsBot
from bot.content.snapshot import ContentSnapshot
from bot.i18n import t
from cogs._locale import lang

EMBED_COLOUR = discord.Colour.from_rgb(233, 140, 120)


class About(commands.Cog):
    def __init__(self, bot: LittleThingsBot) -> None:
        self.bot = bot

    @app_commands.command(name="about")
    @app_commands.describe(ephemeral="Show the answer only to you")
    async def about(self, interaction: discord.Interaction, ephemeral: bool = False) -> None:
        """What this bot is, the show it knows, and its commands."""
        embed = await self.build_embed(lang(interaction))
        await interaction.response.send_message(
            embed=embed, ephemeral=ephemeral, allowed_mentions=discord.AllowedMentions.none()
        )
        if interaction.guild_id is not None and interaction.permissions.manage_guild:
            refused = self.refusals_text(interaction.guild_id, lang(interaction))
            if refused:
                await interaction.followup.send(
                    refused, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
                )

    async def build_embed(self, locale: str = "en") -> discord.Embed:
        """The shared /about embed of the current snapshot in one language; nothing may change it."""
        content = self.bot.content
        embed: discord.Embed = content.cached(("about", locale), lambda: self._embed(content, locale))
        return embed

    def _embed(self, content: ContentSnapshot, locale: str = "en") -> discord.Embed:
        info = content.show
        embed = discord.Embed(title=t(locale, "about.title"), colour=EMBED_COLOUR,
                              description=t(locale, "about.description"))
        if info is None:
            embed.add_field(name=t(locale, "about.content"), value=t(locale, "about.no_pack"), inline=False)
        else:
            show = info.show
            years = f"{info.first_year}–{info.last_year}" if info.first_year and info.last_year else ""
            embed.add_field(
                name=show.title,
                value=(
                    f"{show.premise}\n{show.studio} · "
                    + t(locale, "about.show_line", creator=show.created_by, seasons=info.season_count,
                        episodes=info.episode_count)
                    + (", " + years if years else "")
                )[:1024],
                inline=False,
            )
            stats = content.stats
            embed.add_field(
                name=t(locale, "about.pack", version=info.pack_version),
                value=t(locale, "about.pack_line", people=stats.get("people", 0),
                        characters=stats.get("characters", 0), facts=stats.get("facts", 0),
                        questions=stats.get("trivia_pack_active", 0) + stats.get("trivia_community_active", 0)),
                inline=False,
            )
        commands_text = " ".join(f"`{name}`" for name in self.bot.command_mentions())
        embed.add_field(name=t(locale, "about.commands"), value=commands_text[:1024] or "—", inline=False)
        embed.set_footer(text=t(locale, "about.footer"))
        return embed

    def refusals_text(self, guild_id: int, locale: str = "en") -> str:
        """For moderators, privately: posts Discord refused here lately (each also logged once at WARNING)."""
        recent = self.bot.refusals.recent(guild_id)
        if not recent:
            return ""
        text = t(locale, "about.refused_title")
        for refusal in recent[:5]:
            text += f"\n• <t:{int(refusal.at.timestamp())}:R> {refusal.what}: {refusal.explain(locale)}"
        return text[:2000]


async def setup(bot: LittleThingsBot) -> None:
    await bot.add_cog(About(bot))
