"""Crash: SIGKILL the real bot at random moments while members work, restart it on the same database (tracker #8).

Each round starts ``python -m bot run`` (the real entry point, env vars only) against the stand-in, checks the
database it recovered, lets members revise three ways (Revise modal, Submit as revision, thread replies: the server
turned them on, so the restarted bot asks for the message-content intent), vote, change votes and draft, then kills
the bot's process group at a random moment while a member waits on it. What a member saw acknowledged ("Saved as
vN", "You voted X", a draft, a version posted under a reply) must be stored exactly once; what a kill cut off, at
most once. A sound-off whose deadline passed while the bot was down must close and post its results once; buttons
posted before a crash must work; what a kill left unrecorded (a version message or thread not yet linked) must work
when a member uses it. Figures: operations acknowledged vs cut off, unanswered interactions, writes stored though
their answer was cut off, what was left unrecorded, restart-to-ready median/max, one line per check (exit 1 on any
failure).

Run: python bench/bench_crash.py [--rounds 20] [--members 5] [--seed 1] [--kill-after 0.5 3.0]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import _harness
from _crash_ops import Op, Outcome, Poll, Song, bot_replies, random_line, shown_answer, version_number

from bot.db.migrate import available_migrations
from tests.standin import Channel, Member, StandIn, StoredMessage
from tests.standin.polling import eventually
from tests.test_entrypoint import TOKEN, BotProcess, _environment

READY_WITHIN = 30.0
STOP_WITHIN = 10.0
ANSWER_WITHIN = 20.0
RESULTS_WITHIN = 15.0
THINK = (0.0, 0.05)
MIX = {"modal revision": 4, "menu revision": 3, "reply revision": 3, "vote": 6, "draft": 1}
SAVED = re.compile(r"^Saved as v(\d+)")
VOTED = re.compile(r"^You (?:voted|changed your vote from [A-E] to) ([A-E])\b")
VersionRow = tuple[int, int, int | None, str, int | None, str | None, int | None]  # as COLUMNS reads them
COLUMNS = "song_id, number, parent_number, kind, author_id, lyrics_json, source_message_id"


class Crash:
    """The stand-in, the bot process of the moment, the members and everything they did."""

    def __init__(self, standin: StandIn, folder: Path, rng: random.Random, members: int) -> None:
        self.standin = standin
        self.folder = folder
        self.database = folder / "data" / "soundoff.db"
        self.rng = rng
        scene = standin.scene
        extra = [standin.world.add_member(scene.guild, f"writer{i}") for i in range(max(0, members - 3))]
        self.members = [scene.owner, scene.member, scene.moderator, *extra][:members]
        self.ops: list[Op] = []
        self.songs: list[Song] = []
        self.polls: dict[str, Poll] = {}
        self.bots: list[BotProcess] = []
        self.ready_seconds: list[float] = []
        self.unanswered = self.waiting = 0
        self.working = False
        self.unrecorded: Counter[str] = Counter()
        self.stored_unseen: Counter[str] = Counter()
        self.failures: dict[str, list[str]] = {name: [] for name in CHECKS}
        self._markers = 0

    # --- the bot process ----------------------------------------------------------------------------------------

    @property
    def bot(self) -> BotProcess:
        return self.bots[-1]

    async def start(self) -> None:
        """Start ``python -m bot run`` on the same database; time it to "Ready as"; check what it recovered."""
        self.standin.gateway.sessions.clear()  # a killed bot's session is gone, as on Discord
        log = self.folder / f"bot-{len(self.bots)}.log"
        began = time.monotonic()
        with log.open("wb") as output:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run",
                cwd=self.folder,
                env=_environment(
                    self.standin, self.folder,
                    SOUNDOFF_COOLDOWN_SECONDS="0", SOUNDOFF_DAILY_QUOTA="100000", SOUNDOFF_LOG_LEVEL="INFO",
                ),
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.bots.append(BotProcess(process, log))
        await self.bot.line("Ready as", READY_WITHIN)
        self.ready_seconds.append(time.monotonic() - began)
        with self.read() as db:
            integrity = str(db.execute("PRAGMA integrity_check").fetchone()[0])
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
        latest = len(available_migrations())
        where = f"start {len(self.bots)}"
        self.check("database recovered", integrity == "ok", f"{where}: integrity_check says {integrity!r}")
        self.check("database recovered", version == latest, f"{where}: schema version {version}, latest {latest}")

    async def kill(self) -> None:
        """SIGKILL the bot (its pid only: its render workers must die with it), then wait for it to be gone."""
        self.bot.kill()
        await self.bot.finish(STOP_WITHIN)
        await asyncio.sleep(0.05)  # let the stand-in finish handling any request that arrived before the kill

    # --- what members do ----------------------------------------------------------------------------------------

    def new_op(self, kind: str, member: Member, round_: int, song_id: int = 0) -> Op:
        self._markers += 1
        op = Op(kind, member, round_, f"zq{self._markers}x", song_id=song_id)
        self.ops.append(op)
        return op

    async def wait(self, probe: Callable[[], object], what: str) -> None:
        """Poll for an answer. Not ``interactions.wait``: the kill cancels members mid-wait, and Python 3.11's
        ``asyncio.wait_for`` (which it uses) sometimes swallows a cancellation, leaving a member acting after it."""
        self.waiting += 1
        try:
            await eventually(lambda: probe() or None, ANSWER_WITHIN)
        except AssertionError:
            raise AssertionError(f"no {what} within {ANSWER_WITHIN:.0f} s") from None
        finally:
            self.waiting -= 1

    def version_messages(self, song: Song) -> list[tuple[int, StoredMessage]]:
        """The song's version messages in its thread, with their numbers, as a member sees them."""
        shown = ((version_number(m), m) for m in self.standin.messages(song.thread))
        return [(number, message) for number, message in shown if number is not None]

    async def modal_revision(self, op: Op, song: Song, target: StoredMessage | None = None) -> None:
        """Revise button (on ``target``, else a random version message) → modal → new lyrics with the marker."""
        shown = [m for _, m in self.version_messages(song)] + [song.draft]
        click = await self.standin.click(target or self.rng.choice(shown), label="Revise", member=op.member)
        op.handles.append(click)
        await self.wait(lambda: click.record.modal, "modal")
        opened = click.record.modal
        assert opened is not None
        body = f"[Verse 1]\n{op.marker} {random_line(self.rng)}\n{random_line(self.rng)}"
        op.handles.append(await self.standin.submit_modal(opened, {"lyrics": body}, member=op.member))
        op.submitted = True
        await self.wait(lambda: shown_answer(op.handles[-1]), "a saved modal revision")

    async def menu_revision(self, op: Op, song: Song) -> None:
        """A writer posts plain lines in the thread; a member turns the message into a version."""
        op.author = self.rng.choice(self.members)
        text = f"{op.marker} {random_line(self.rng)}\n{random_line(self.rng)}"
        op.posted = await self.standin.post(song.thread, text, author=op.author)
        op.handles.append(await self.standin.message_command("Submit as revision", op.posted, member=op.member))
        op.submitted = True
        await self.wait(lambda: shown_answer(op.handles[-1]), "a saved menu revision")

    async def reply_revision(self, op: Op, thread: Channel, replied: tuple[int, StoredMessage] | None) -> None:
        """A member posts labelled lyrics in a song thread, replying to a version message when ``replied`` is given."""
        op.replied_number = replied[0] if replied else None
        text = f"[Verse 1]\n{op.marker} {random_line(self.rng)}\n{random_line(self.rng)}"
        op.posted = await self.standin.post(thread, text, author=op.member, reply_to=replied[1] if replied else None)
        op.submitted = True
        await self.wait(lambda: self.reply_answer(op), "a version posted under a post")

    def reply_answer(self, op: Op) -> StoredMessage | None:
        thread = self.standin.world.channel(op.posted.channel_id) if op.posted else None
        return next(iter(bot_replies(thread, op.posted)), None) if thread and op.posted else None

    async def vote(self, op: Op, poll: Poll) -> None:
        """Click a random vote button (members change their votes as they go)."""
        labels = [str(c["label"]) for c in poll.message.interactive() if str(c.get("label", "")).startswith("Vote")]
        chosen = self.rng.choice(labels)
        op.label = chosen.removeprefix("Vote ")
        op.handles.append(await self.standin.click(poll.message, label=chosen, member=op.member))
        op.submitted = True
        await self.wait(lambda: shown_answer(op.handles[-1]), "a vote")

    async def draft(self, op: Op) -> None:
        """``/cowrite lyrics`` with the marker in the theme."""
        theme = f"{op.marker} {random_line(self.rng)}"
        op.label = theme
        handle = await self.standin.slash(
            "cowrite lyrics", {"theme": theme}, member=op.member, channel=self.standin.scene.cowriting
        )
        op.handles.append(handle)
        op.submitted = True
        await self.wait(lambda: (handle.original and handle.original.embeds) or handle.followups, "a draft")

    async def act(self, kind: str, member: Member, round_: int) -> None:
        song = self.rng.choice(self.songs)
        op = self.new_op(kind, member, round_, song.id if kind.endswith("revision") else 0)
        if kind == "reply revision":
            work = self.reply_revision(op, song.thread, self.rng.choice(self.version_messages(song)))
        elif kind.endswith("revision"):
            work = (self.modal_revision if kind == "modal revision" else self.menu_revision)(op, song)
        else:
            work = self.vote(op, self.polls["votes"]) if kind == "vote" else self.draft(op)
        await self.attempt(op, work)

    async def attempt(self, op: Op, work: Awaitable[None]) -> Outcome:
        """Do it; a failed step is a finding the checks report, not a crash of the member."""
        try:
            await work
        except Exception as error:
            op.error = f"{type(error).__name__}: {str(error)[:200]}"
        return self.outcome(op)

    async def member_loop(self, member: Member, round_: int) -> None:
        """Think, act, repeat, until the kill cancels the loop."""
        kinds, weights = list(MIX), list(MIX.values())
        while self.working:
            await asyncio.sleep(self.rng.uniform(*THINK))
            await self.act(self.rng.choices(kinds, weights)[0], member, round_)

    # --- what the wire shows ------------------------------------------------------------------------------------

    def outcome(self, op: Op) -> Outcome:
        """Acknowledged, refused or cut off, judged only from what the member was shown."""
        if op.kind == "reply revision":
            answer = self.reply_answer(op)
            if answer is None:
                return Outcome("cut off")
            number = version_number(answer)
            return Outcome("refused", answer.content[:120]) if number is None else Outcome("acked", str(number))
        if not op.submitted:
            return Outcome("cut off")
        handle = op.handles[-1]
        text = shown_answer(handle)
        if text is None:
            return Outcome("cut off")
        if op.kind == "draft":  # public: progress edits show first; an error deletes them and follows up
            if handle.original is not None and version_number(handle.original) == 1:
                return Outcome("acked")
            return Outcome("refused", handle.followups[0].content[:120]) if handle.followups else Outcome("cut off")
        found = (VOTED if op.kind == "vote" else SAVED).match(text)
        return Outcome("acked", found[1]) if found else Outcome("refused", text[:120])

    def release_unanswered(self) -> None:
        """Interactions the kill cut off before any answer: allowed to go unanswered, and counted."""
        for op in self.ops:
            for handle in op.handles:
                if handle.record.response is None and not handle.record.answer_optional:
                    handle.allow_no_answer()
                    self.unanswered += 1

    def check(self, name: str, condition: bool, failure: str) -> None:
        if not condition:
            self.failures[name].append(failure)

    # --- the run ------------------------------------------------------------------------------------------------

    async def setup(self) -> None:
        """First life: replies on, two songs with a member's revision each, a sound-off on each, then a kill."""
        scene = self.standin.scene
        await self.start()
        handle = await self.standin.slash("settings set", {"message_revisions": True}, member=scene.owner)
        await self.wait(lambda: shown_answer(handle), "the settings change")
        for _ in range(2):
            song = await self.new_song()
            self.songs.append(song)
            await self.modal_revision(self.new_op("modal revision", scene.member, 0, song.id), song)
        for name, song in zip(("votes", "deadline"), self.songs, strict=True):
            self.polls[name] = await self.open_soundoff(song)
        await self.kill()

    async def new_song(self) -> Song:
        """The owner's draft, once its thread is recorded."""
        op = self.new_op("draft", self.standin.scene.owner, 0)
        await self.draft(op)
        draft = op.handles[-1].original
        if draft is None or not draft.embeds:
            raise AssertionError(f"setup draft refused: {shown_answer(op.handles[-1])}")

        def recorded() -> int | None:
            with self.read() as db:
                row = db.execute("SELECT id FROM songs WHERE thread_id = ?", (draft.thread_id,)).fetchone()
            return int(row[0]) if draft.thread_id and row else None

        await self.wait(recorded, "the song's thread")
        return Song(recorded() or 0, draft, self.standin.thread_of(draft))

    async def open_soundoff(self, song: Song) -> Poll:
        """The owner clicks Start sound-off under the song's draft."""
        click = await self.standin.click(song.draft, label="Start sound-off", member=self.standin.scene.owner)
        await self.wait(lambda: "sound-off is open" in (shown_answer(click) or ""), "a sound-off")
        with self.read() as db:
            row = db.execute("SELECT id, message_id FROM soundoffs WHERE song_id = ?", (song.id,)).fetchone()
        return Poll(int(row[0]), self.standin.scene.cowriting.messages[int(row[1])])

    async def round(self, number: int, expire_at: int, kill_after: tuple[float, float]) -> None:
        """Restart, prove the old buttons still work, let members work, kill at a random moment."""
        if number == expire_at:
            self.expire(self.polls["deadline"], number)
        await self.start()
        await self.announced(self.polls["deadline"])
        await self.pre_crash_buttons(number)
        self.working = True
        loops = [asyncio.create_task(self.member_loop(m, number)) for m in self.members]
        await asyncio.sleep(self.rng.uniform(*kill_after))
        await eventually(lambda: self.waiting > 0, ANSWER_WITHIN)  # a member is waiting on the bot right now
        self.bot.kill()  # first: no member gets another step in before it
        self.working = False
        for loop in loops:
            loop.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
        await self.kill()
        self.release_unanswered()

    async def pre_crash_buttons(self, number: int) -> None:
        """The Revise button of the first song's draft and the vote buttons, both posted before earlier crashes."""
        song, poll = self.songs[0], self.polls["votes"]
        revise = self.new_op("modal revision", self.standin.scene.member, number, song.id)
        vote = self.new_op("vote", self.standin.scene.owner, number)
        for op, work in ((revise, self.modal_revision(revise, song, song.draft)), (vote, self.vote(vote, poll))):
            seen = await self.attempt(op, work)
            failure = f"round {number}: {op.kind} {seen.state} {seen.value} {op.error}"
            self.check("buttons from before a crash work", seen.state == "acked", failure)

    def expire(self, poll: Poll, number: int) -> None:
        """While the bot is down, let the sound-off's deadline pass (the bot's clock is the wall clock)."""
        with contextlib.closing(sqlite3.connect(self.database)) as db, db:
            db.execute("UPDATE soundoffs SET ends_at = ? WHERE id = ?", (time.time() - 60, poll.id))
        poll.expired_round = number

    async def announced(self, poll: Poll) -> None:
        """Once its deadline has passed: its results posted exactly once, and recorded as that post."""
        if poll.expired_round is None:
            return

        def state() -> tuple[list[StoredMessage], float | None, int | None]:
            with self.read() as db:
                query = "SELECT closed_at, results_message_id FROM soundoffs WHERE id = ?"
                closed, results = db.execute(query, (poll.id,)).fetchone()
            return bot_replies(self.standin.scene.cowriting, poll.message), closed, results

        with contextlib.suppress(AssertionError):  # posted, and recorded as posted
            await eventually(lambda: bool(state()[0]) and state()[2] is not None, RESULTS_WITHIN)
        posts, closed_at, results_id = state()
        where = f"sound-off {poll.id} after start {len(self.bots)}"
        name = "deadline passed while down: closed, results posted once"
        self.check(name, len(posts) == 1, f"{where}: {len(posts)} results post(s)")
        self.check(name, closed_at is not None, f"{where}: still open")
        self.check(name, [m.id for m in posts] == [results_id], f"{where}: stored results message {results_id}")

    async def final(self) -> None:
        """Let the voting sound-off's deadline pass too, restart once more, check everything, stop with SIGTERM."""
        self.expire(self.polls["votes"], len(self.bots))
        await self.start()
        await self.announced(self.polls["deadline"])
        await self.announced(self.polls["votes"])
        await self.use_unrecorded()
        self.check_database()
        self.bot.process.send_signal(signal.SIGTERM)
        code = await self.bot.finish(STOP_WITHIN)
        self.check("bot logs clean, clean stop at the end", code == 0, f"the last bot exited {code} on SIGTERM")
        logged = [f"bot {index + 1}: {line[:200]}" for index, bot in enumerate(self.bots) for line in bot.problems()]
        self.failures["bot logs clean, clean stop at the end"] += logged
        self.failures["stand-in: no late answer, no unknown route"] += self.standin.problems()

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with contextlib.closing(sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)) as db:
            yield db

    # --- the checks ---------------------------------------------------------------------------------------------

    def check_database(self) -> None:
        with self.read() as db:
            versions = db.execute(f"SELECT {COLUMNS} FROM versions").fetchall()
            songs = db.execute("SELECT id, theme, thread_id FROM songs").fetchall()
            votes = dict(
                db.execute("SELECT member_id, label FROM votes WHERE soundoff_id = ?", (self.polls["votes"].id,))
            )
            broken = db.execute("PRAGMA foreign_key_check").fetchall()
        self.check("version trees valid", not broken, f"foreign key violations: {broken[:5]}")
        self.check_trees(versions)
        for op in self.ops:
            seen = self.outcome(op)
            if op.kind.endswith("revision"):
                self.check_revision(op, seen, versions)
            elif op.kind == "draft":
                self.check_draft(op, seen, [(song_id, thread) for song_id, theme, thread in songs if theme == op.label])
            who = f"{op.kind} by {op.member.user.name} (round {op.round})"
            self.check("nothing refused or failed", seen.state != "refused", f"{who}: refused {seen.value!r}")
            self.check("nothing refused or failed", not op.error, f"{who}: {op.error}")
        self.check_votes(votes)

    def check_draft(self, op: Op, seen: Outcome, stored: list[tuple[int, int | None]]) -> None:
        """Once if acknowledged, at most once if not; a thread members can see is the song's recorded thread."""
        acked = seen.state == "acked"
        count = f"{op.label!r}: {len(stored)} songs"
        self.check("acknowledged drafts stored once", len(stored) == 1 if acked else len(stored) <= 1, count)
        self.stored_unseen["drafts"] += 0 if acked else len(stored)
        original = op.handles[-1].original if op.handles else None
        thread = original.thread_id if original else None
        threads = [t for _, t in stored]
        self.check("song threads recorded", thread is None or threads == [thread], f"{count}, thread {thread}")

    def check_trees(self, versions: list[VersionRow]) -> None:
        by_song: dict[int, list[VersionRow]] = {}
        for row in versions:
            by_song.setdefault(row[0], []).append(row)
        for song_id, rows in by_song.items():
            numbers = sorted(r[1] for r in rows)
            self.check("version trees valid", numbers == list(range(1, len(rows) + 1)), f"song {song_id}: {numbers}")
            for _, number, parent, *_ in rows:
                valid = parent is None if number == 1 else parent is not None and 1 <= parent < number
                self.check("version trees valid", valid, f"song {song_id} v{number}: parent {parent}")
            sources = [r[6] for r in rows if r[6] is not None]
            self.check("version trees valid", len(sources) == len(set(sources)), f"song {song_id}: duplicate sources")
        markers = {op.marker for op in self.ops}
        for song_id, number, _, kind, _, lyrics, _ in versions:
            if kind == "human-revision":
                found = [m for m in re.findall(r"zq\d+x", lyrics or "") if m in markers]
                self.check("version trees valid", len(found) == 1, f"song {song_id} v{number}: from no member's op")

    def check_revision(self, op: Op, seen: Outcome, versions: list[VersionRow]) -> None:
        stored = [r for r in versions if op.marker in (r[5] or "")]
        name = "acknowledged revisions stored once"
        what = f"{op.kind} {op.marker} (round {op.round})"
        self.check(name, len(stored) <= 1, f"{what}: stored {len(stored)} times")
        if seen.state != "acked":
            self.stored_unseen["revisions"] += len(stored)
            return
        if len(stored) != 1:
            self.check(name, False, f"{what}: shown as v{seen.value}, stored {len(stored)} times")
            return
        song_id, number, parent, _, author_id, _, source = stored[0]
        author = op.author or op.member
        shown = f"{what}: shown v{seen.value}, is v{number} of song {song_id}"
        self.check(name, (song_id, number) == (op.song_id, int(seen.value)), shown)
        self.check(name, author_id == author.id, f"{what}: credited to {author_id}, written by {author.id}")
        if op.posted is not None:
            self.check(name, source == op.posted.id, f"{what}: source message {source}, posted {op.posted.id}")
        if op.replied_number is not None:
            self.check(name, parent == op.replied_number, f"{what}: parent v{parent}, replied to v{op.replied_number}")

    def check_votes(self, stored: dict[int, str]) -> None:
        """Each member's stored vote is their last acknowledged one, or one they cast after it that was cut off."""
        for member in self.members:
            mine = [(op, self.outcome(op)) for op in self.ops if op.kind == "vote" and op.member is member]
            last = max((i for i, (_, seen) in enumerate(mine) if seen.state == "acked"), default=None)
            allowed = {op.label for op, _ in mine[last or 0 :]}
            if last is None:
                allowed.add("")  # never acknowledged: no vote at all is right too
            vote = stored.get(member.id, "")
            self.stored_unseen["votes"] += last is not None and vote != mine[last][0].label
            shown = f"{member.user.name}: stored {vote!r}, may be one of {sorted(allowed)}"
            self.check("acknowledged votes stored", vote in allowed, shown)

    async def use_unrecorded(self) -> None:
        """What a kill left unrecorded must still work: a reply to a version message no version points at, and lyrics
        posted in a draft's thread no song points at, each become a version (and the link is recorded)."""
        with self.read() as db:
            linked = {r[0] for r in db.execute("SELECT message_id FROM versions WHERE message_id IS NOT NULL")}
            songs = {
                theme: (song_id, thread)
                for song_id, theme, thread in db.execute("SELECT id, theme, thread_id FROM songs")
            }
        shown = [m for m in self.standin.messages(self.standin.scene.cowriting) if version_number(m) is not None]
        self.unrecorded["draft messages"] = sum(m.id not in linked for m in shown)
        targets: list[tuple[int, Channel, tuple[int, StoredMessage] | None]] = []
        for song in self.songs:
            targets += [(song.id, song.thread, (n, m)) for n, m in self.version_messages(song) if m.id not in linked]
        self.unrecorded["version messages in threads"] = len(targets)
        for op in self.ops:
            original = op.handles[-1].original if op.kind == "draft" and op.handles else None
            song_id, thread_id = songs.get(op.label, (0, None))
            if original is not None and original.thread_id is not None and song_id and thread_id is None:
                targets.append((song_id, self.standin.thread_of(original), None))
                self.unrecorded["song threads"] += 1
        for song_id, thread, replied in targets:
            op = self.new_op("reply revision", self.standin.scene.member, len(self.bots), song_id)
            seen = await self.attempt(op, self.reply_revision(op, thread, replied))
            what = f"song {song_id}, {f'reply to v{replied[0]}' if replied else 'thread'}: {seen.state} {op.error}"
            self.check("what a kill left unrecorded still works", seen.state == "acked", what)


CHECKS = (
    "database recovered",
    "acknowledged revisions stored once",
    "acknowledged votes stored",
    "acknowledged drafts stored once",
    "version trees valid",
    "what a kill left unrecorded still works",
    "song threads recorded",
    "deadline passed while down: closed, results posted once",
    "buttons from before a crash work",
    "nothing refused or failed",
    "bot logs clean, clean stop at the end",
    "stand-in: no late answer, no unknown route",
)


def figures(crash: Crash, rounds: int, kill_after: tuple[float, float]) -> list[str]:
    outcomes = Counter((op.kind, crash.outcome(op).state) for op in crash.ops)
    states = Counter(crash.outcome(op).state for op in crash.ops)
    ready = crash.ready_seconds
    lines = [
        f"rounds: {rounds} (SIGKILL {kill_after[0]:.1f}–{kill_after[1]:.1f} s into the work), "
        f"members: {len(crash.members)}, bot starts: {len(crash.bots)}",
        f"operations: {len(crash.ops)}  acknowledged {states['acked']}  cut off {states['cut off']}  "
        f"refused {states['refused']}",
        *(
            f"  {kind:<15} " + "  ".join(f"{s} {outcomes[kind, s]}" for s in ("acked", "cut off", "refused"))
            for kind in sorted(MIX)
        ),
        f"interactions left unanswered by a kill: {crash.unanswered}",
        "cut off but stored (the kill fell between the commit and the answer): "
        + ", ".join(f"{kind} {crash.stored_unseen[kind]}" for kind in ("revisions", "votes", "drafts")),
        f"posted but left unrecorded by a kill: draft messages {crash.unrecorded['draft messages']}, version "
        f"messages in song threads {crash.unrecorded['version messages in threads']} (each replied to at the end), "
        f"song threads {crash.unrecorded['song threads']} (each posted in at the end)",
        f"restart to ready: median {statistics.median(ready):.2f} s  max {max(ready):.2f} s  (n={len(ready)})",
    ]
    lines += [f"check {name}: {'ok' if not crash.failures[name] else 'FAILED'}" for name in CHECKS]
    return lines


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kill-after", type=float, nargs=2, default=(0.5, 3.0), metavar=("MIN", "MAX"))
    args = parser.parse_args()
    started = time.perf_counter()
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # a kill mid-upload cuts a request: expected
    kill_after: tuple[float, float] = tuple(args.kill_after)
    with tempfile.TemporaryDirectory(prefix="soundoff-crash-") as folder:
        standin = await StandIn().start()
        standin.world.application.token = TOKEN
        crash = Crash(standin, Path(folder), random.Random(args.seed), args.members)
        try:
            await crash.setup()
            for number in range(1, args.rounds + 1):
                await crash.round(number, max(1, args.rounds // 2), kill_after)
            await crash.final()
        finally:
            for bot in crash.bots:
                bot.kill()
            await standin.stop()
    lines = figures(crash, args.rounds, kill_after)
    failures = [f"{name}: {failure}" for name in CHECKS for failure in crash.failures[name]]
    return _harness.finish("crash", lines, failures, started)


if __name__ == "__main__":
    _harness.run_bench(main)
