"""The user-action helpers against a small real discord.py bot that uses every interaction kind.

The toy bot is plain discord.py (no project code), so these tests pin down the stand-in itself:
that what it sends is what discord.py expects, and that each helper returns what a person would see.
"""

import datetime
import io
from collections.abc import AsyncIterator

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.clock import VirtualClock
from bot.localdiscord import BotCrashed, InteractionError, LocalDiscord, Perm, run_client

CAST = ["Mithila Palkar", "Dhruv Sehgal"]


class VoteView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.votes = 0

    @discord.ui.button(label="Vote", custom_id="vote:up", style=discord.ButtonStyle.primary)
    async def vote(self, interaction: discord.Interaction, button: discord.ui.Button["VoteView"]) -> None:
        self.votes += 1
        await interaction.response.edit_message(content=f"Votes: {self.votes}")

    @discord.ui.button(label="Close", custom_id="vote:close")
    async def close(self, interaction: discord.Interaction, button: discord.ui.Button["VoteView"]) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content=f"Closed with {self.votes} votes", view=None)


class SnoozeView(discord.ui.View):
    @discord.ui.button(label="Snooze", custom_id="remind:snooze")
    async def snooze(self, interaction: discord.Interaction, button: discord.ui.Button["SnoozeView"]) -> None:
        where = "DM" if isinstance(interaction.channel, discord.DMChannel) else "server"
        await interaction.response.send_message(f"Snoozed for {interaction.user.name} in a {where}")


class PickView(discord.ui.View):
    @discord.ui.select(custom_id="pick", options=[discord.SelectOption(label=x, value=x) for x in "abc"], max_values=2)
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select["PickView"]) -> None:
        await interaction.response.edit_message(content=f"Picked {', '.join(select.values)}", view=None)


class SuggestModal(discord.ui.Modal, title="Suggest a trivia question"):
    idea: discord.ui.TextInput["SuggestModal"] = discord.ui.TextInput(
        label="Your idea", custom_id="idea", max_length=200
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Thanks for: {self.idea.value}", ephemeral=True)


class ToyBot(commands.Bot):
    def __init__(self, guild_id: int, clock: VirtualClock | None = None) -> None:
        self.clock = clock
        intents = discord.Intents.none()
        intents.guilds = intents.guild_messages = intents.message_content = True
        super().__init__(
            command_prefix=commands.when_mentioned, intents=intents, allowed_mentions=discord.AllowedMentions.none()
        )
        self.guild_id = guild_id
        self.heard: list[str] = []
        tree = self.tree

        @tree.command(name="echo", description="Repeat some text")
        async def echo(
            interaction: discord.Interaction, text: str, times: app_commands.Range[int, 1, 3] = 1, loud: bool = False
        ) -> None:
            await interaction.response.send_message((text.upper() if loud else text) * times, ephemeral=not loud)

        @tree.command(name="whois", description="Describe a member, a channel and a role")
        async def whois(
            interaction: discord.Interaction, member: discord.Member, where: discord.TextChannel, role: discord.Role
        ) -> None:
            can = interaction.permissions.manage_events
            await interaction.response.send_message(
                f"{member.display_name} in #{where.name} as {role.name}; asker manages events: {can}"
            )

        party = app_commands.Group(name="party", description="Watch parties")

        @party.command(name="start", description="Start a party")
        async def start(interaction: discord.Interaction, episodes: int) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send(f"Party started for {episodes} episodes")

        tree.add_command(party)

        @tree.command(name="cast", description="Look up a cast member")
        async def cast(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(name)

        @cast.autocomplete("name")
        async def cast_names(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=n, value=n) for n in CAST if current.lower() in n.lower()]

        @tree.command(name="vote", description="Start a vote")
        async def vote(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Votes: 0", view=VoteView())

        @tree.command(name="pick", description="Pick letters")
        async def pick(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Pick up to two", view=PickView())

        @tree.command(name="suggest", description="Suggest a question")
        async def suggest(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(SuggestModal())

        @tree.command(name="remind", description="DM me a reminder")
        async def remind(interaction: discord.Interaction) -> None:
            try:
                await interaction.user.send("Reminder: Season 4 tonight", view=SnoozeView())
            except discord.Forbidden:
                await interaction.response.send_message("I can't DM you", ephemeral=True)
            else:
                await interaction.response.send_message("Check your DMs", ephemeral=True)

        @tree.command(name="ics", description="Send a calendar file")
        async def ics(interaction: discord.Interaction) -> None:
            file = discord.File(io.BytesIO(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"), filename="party.ics")
            await interaction.response.send_message("Add it to your calendar", file=file, ephemeral=True)

        @tree.command(name="upload", description="Read an uploaded file")
        async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
            data = await file.read()
            await interaction.response.send_message(f"{file.filename}: {len(data)} bytes, starts {data[:5]!r}")

        @tree.command(name="announce", description="Post in the channel")
        async def announce(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message("Posting", ephemeral=True)
            assert isinstance(interaction.channel, discord.TextChannel)
            await interaction.channel.send(f"📣 {text}", allowed_mentions=discord.AllowedMentions(everyone=False))

        @tree.command(name="poll", description="Ask with a reaction")
        async def poll(interaction: discord.Interaction) -> None:
            assert isinstance(interaction.channel, discord.TextChannel)
            async with interaction.channel.typing():
                await interaction.response.send_message("Rewatch tonight?")
            message = await interaction.original_response()
            await message.add_reaction("✅")

        @tree.command(name="schedule", description="Schedule a watch party")
        async def schedule(interaction: discord.Interaction, hours_from_now: int) -> None:
            assert interaction.guild is not None
            start = discord.utils.utcnow() if self.clock is None else self.clock.now()
            start += datetime.timedelta(hours=hours_from_now)
            event = await interaction.guild.create_scheduled_event(
                name="Season 1 rewatch",
                start_time=start,
                end_time=start + datetime.timedelta(hours=2),
                entity_type=discord.EntityType.external,
                location="Watch Party",
                privacy_level=discord.PrivacyLevel.guild_only,
            )
            await interaction.response.send_message(f"Scheduled {event.name} ({event.id}) at {event.start_time:%H:%M}")

        @tree.command(name="pings", description="Toggle watch party pings")
        async def pings(interaction: discord.Interaction, role: discord.Role) -> None:
            assert isinstance(interaction.user, discord.Member)
            try:
                await interaction.user.add_roles(role, reason="asked for pings")
            except discord.Forbidden:
                await interaction.response.send_message("I can't give that role", ephemeral=True)
            else:
                await interaction.response.send_message(f"You now have {role.name}", ephemeral=True)

        @tree.command(name="settings", description="Moderators only")
        @app_commands.default_permissions(manage_guild=True)
        async def settings(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Settings", ephemeral=True)

        @tree.command(name="silent", description="Never answers")
        async def silent(interaction: discord.Interaction) -> None:
            return None

    async def setup_hook(self) -> None:
        guild = discord.Object(id=self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)

    async def on_message(self, message: discord.Message) -> None:
        if message.author != self.user:
            self.heard.append(f"{message.author.name}: {message.content}")


@pytest.fixture
async def toy(fake: LocalDiscord, clock: VirtualClock) -> AsyncIterator[ToyBot]:
    async with run_client(fake, ToyBot(fake.guild.id, clock)) as bot:
        yield bot


async def test_options_of_every_kind_arrive_resolved(fake: LocalDiscord, toy: ToyBot) -> None:
    reply = await fake.slash("echo", text="hi", times=2, loud=True, user="alice")
    assert (reply.content, reply.ephemeral) == ("HIHI", False)
    reply = await fake.slash("echo", text="psst", user="alice")
    assert reply.ephemeral and reply.message is not None and reply.message.visible_to == fake.user("alice").id
    reply = await fake.slash("whois", member="bob", where="#off-topic", role="@Moderator")
    assert reply.content == "Bob in #off-topic as Moderator; asker manages events: True"
    reply = await fake.slash("whois", member="you", where="general", role="Moderator", user="bob")
    assert reply.content.endswith("asker manages events: False")


async def test_what_the_discord_client_would_refuse_is_refused_before_sending(fake: LocalDiscord, toy: ToyBot) -> None:
    sent = len(fake.interactions)
    with pytest.raises(InteractionError, match="no option 'volume'"):
        await fake.slash("echo", text="a", volume=3)
    with pytest.raises(InteractionError, match="between 1 and 3"):
        await fake.slash("echo", text="a", times=9)
    with pytest.raises(InteractionError, match="required option 'text'"):
        await fake.slash("echo")
    with pytest.raises(InteractionError, match="not a synced slash command"):
        await fake.slash("nope")
    with pytest.raises(InteractionError, match="allowed channel kinds"):
        await fake.slash("whois", member="bob", where="Watch Party", role="Moderator")
    assert len(fake.interactions) == sent


async def test_a_deferred_subcommand_returns_the_followup_in_place_of_thinking(fake: LocalDiscord, toy: ToyBot) -> None:
    reply = await fake.slash("party start", episodes=3)
    assert reply.content == "Party started for 3 episodes"
    assert reply.message is not None and not reply.message.loading
    assert reply.interaction.response_type == 5 and reply.message is reply.interaction.original


async def test_autocomplete_returns_the_offered_choices(fake: LocalDiscord, toy: ToyBot) -> None:
    assert await fake.autocomplete("cast", name="mit") == [{"name": "Mithila Palkar", "value": "Mithila Palkar"}]


async def test_buttons_update_the_message_they_sit_on(fake: LocalDiscord, toy: ToyBot) -> None:
    vote = await fake.slash("vote")
    first = await fake.click(vote, "vote:up", user="alice")
    assert first.kind == "update" and first.message is vote.message and vote.content == "Votes: 1"
    await fake.click(vote, label="Vote", user="bob")
    closed = await fake.click(vote, "vote:close")
    assert closed.kind == "deferred_update"
    await fake.wait_until(lambda: vote.content == "Closed with 2 votes", what="the vote to close")
    assert vote.components == [] and [r.content for r in vote.message.revisions] == ["Votes: 0", "Votes: 1", "Votes: 2"]  # type: ignore[union-attr]
    with pytest.raises(InteractionError, match="no component 'vote:up'"):
        await fake.click(vote, "vote:up")


async def test_select_menus_send_the_chosen_values(fake: LocalDiscord, toy: ToyBot) -> None:
    menu = await fake.slash("pick")
    with pytest.raises(InteractionError, match="no option 'z'"):
        await fake.select(menu, "pick", ["z"])
    picked = await fake.select(menu, "pick", ["a", "c"], user="bob")
    assert picked.content == "Picked a, c"


async def test_modals_open_and_submit_by_label(fake: LocalDiscord, toy: ToyBot) -> None:
    opened = await fake.slash("suggest", user="alice")
    assert opened.kind == "modal" and opened.modal is not None and opened.modal["title"] == "Suggest a trivia question"
    with pytest.raises(InteractionError, match="shown to alice, not bob"):
        await fake.submit_modal(opened, {"Your idea": "x"}, user="bob")
    with pytest.raises(InteractionError, match="is required"):
        await fake.submit_modal(opened, {}, user="alice")
    thanks = await fake.submit_modal(values={"Your idea": "Ask about Kavya's job"}, user="alice")
    assert thanks.content == "Thanks for: Ask about Kavya's job" and thanks.ephemeral


async def test_dms_arrive_or_fail_like_closed_dms(fake: LocalDiscord, toy: ToyBot) -> None:
    assert (await fake.slash("remind", user="bob")).content == "Check your DMs"
    [reminder] = fake.dm_messages("bob")
    assert reminder.content == "Reminder: Season 4 tonight"
    with pytest.raises(InteractionError, match="someone else's DM"):
        await fake.click(reminder, "remind:snooze", user="alice")
    snoozed = await fake.click(reminder, "remind:snooze", user="bob")
    assert snoozed.content == "Snoozed for bob in a DM"
    fake.refuse_dms("alice")
    assert (await fake.slash("remind", user="alice")).content == "I can't DM you"
    assert fake.calls_to("POST", "/channels/{channel_id}/messages")[-1].status == 403


async def test_plain_messages_reach_the_bot(fake: LocalDiscord, toy: ToyBot) -> None:
    said = await fake.say("general", "who else is rewatching season 1?", user="alice")
    await fake.wait_until(lambda: toy.heard, what="the bot to hear the message")
    assert toy.heard == ["alice: who else is rewatching season 1?"]
    assert fake.messages_in("general") == [said]


async def test_ephemeral_messages_belong_to_their_user(fake: LocalDiscord, toy: ToyBot) -> None:
    await fake.slash("echo", text="secret", user="alice")
    assert [m.content for m in fake.messages_in("general", visible_to="bob")] == []
    assert [m.content for m in fake.messages_in("general", visible_to="alice")] == ["secret"]


async def test_a_missing_answer_fails_with_what_the_bot_did(fake: LocalDiscord, toy: ToyBot) -> None:
    with pytest.raises(TimeoutError, match=r"(?s)/silent .* got no answer within 0.2s.*made no REST call"):
        await fake.slash("silent", timeout=0.2)


async def test_permissions_follow_roles(fake: LocalDiscord, toy: ToyBot) -> None:
    await fake.give_role("bob", "Moderator")
    reply = await fake.slash("whois", member="you", where="general", role="Moderator", user="bob")
    assert reply.content.endswith("asker manages events: True")
    await fake.set_role_permissions("Moderator", Perm.MANAGE_MESSAGES)
    reply = await fake.slash("whois", member="you", where="general", role="Moderator", user="bob")
    assert reply.content.endswith("asker manages events: False")


async def test_files_the_bot_sends_keep_their_bytes(fake: LocalDiscord, toy: ToyBot) -> None:
    reply = await fake.slash("ics")
    [attachment] = reply.attachments
    assert attachment.filename == "party.ics" and attachment.data.startswith(b"BEGIN:VCALENDAR")
    assert reply.ephemeral


async def test_files_users_upload_can_be_downloaded_by_the_bot(fake: LocalDiscord, toy: ToyBot) -> None:
    data = b"[q1]\nanswer = 'Kavya'\n"
    reply = await fake.slash("upload", file=("questions.toml", data))
    assert len(data) == 22 and reply.content == "questions.toml: 22 bytes, starts b'[q1]\\n'"


async def test_waiting_for_a_message_the_bot_posts_in_a_channel(fake: LocalDiscord, toy: ToyBot) -> None:
    mark = fake.mark()
    reply = await fake.slash("announce", text="@everyone rewatch at nine")
    posted = await fake.wait_for_message("general", after=mark, predicate=lambda m: not m.ephemeral)
    assert reply.content == "Posting" and posted.content == "📣 @everyone rewatch at nine"
    assert not posted.pings  # everyone=False: nobody is notified
    assert posted.interaction is None and posted.author == fake.bot_user


async def test_reactions_and_typing(fake: LocalDiscord, toy: ToyBot) -> None:
    reply = await fake.slash("poll")
    await fake.wait_until(lambda: reply.message is not None and reply.message.reactions, what="the bot's reaction")
    assert reply.message is not None and reply.message.reactions == {"✅": [fake.bot_user.id]}
    assert fake.channel("general").id in fake.typing_in
    await fake.react(reply, "✅", user="alice")
    assert reply.message.to_payload(me=fake.bot_user.id)["reactions"][0]["count"] == 2


async def test_a_bot_that_cannot_log_in_fails_fast_with_the_reason(fake: LocalDiscord) -> None:
    with pytest.raises(BotCrashed, match="LoginFailure"):
        async with run_client(fake, ToyBot(fake.guild.id), token="not.the.token"):
            pass
    assert fake.calls[0].status == 401
    fake.bot_errors.clear()


async def test_scheduled_events_and_roles_through_discord_py(fake: LocalDiscord, toy: ToyBot) -> None:
    reply = await fake.slash("schedule", hours_from_now=3)
    [event] = fake.scheduled_events.values()
    assert reply.content == f"Scheduled Season 1 rewatch ({event['id']}) at 21:00"
    assert event["entity_metadata"] == {"location": "Watch Party"} and event["status"] == 1

    role = await fake.add_role("Watch Party Pings", mentionable=True)
    assert (await fake.slash("pings", role=role, user="bob")).content == "You now have Watch Party Pings"
    assert role.id in fake.guild.members[fake.user("bob").id].roles
    assert (await fake.slash("pings", role="Little Things Bot", user="bob")).content == "I can't give that role"


async def test_commands_are_hidden_from_members_without_their_default_permissions(
    fake: LocalDiscord, toy: ToyBot
) -> None:
    """As in Discord's client: a member without Manage Server does not even see /settings."""
    assert (await fake.slash("settings", user="you")).content == "Settings"  # Moderator has Manage Server
    assert (await fake.slash("settings", user="owner")).content == "Settings"
    with pytest.raises(InteractionError, match="hidden from alice: it needs manage_guild"):
        await fake.slash("settings", user="alice")
