"""The ``soundoff`` command: run the bot, sync its commands, sketch offline, manage the database.

Its contract, for people and for scripts: exit 0 on success; exit 2 with one line on stderr, having written
nothing, when the arguments, settings, files or paths are unusable (every StartupError). ``health`` exits 1
when the bot is not healthy, the code a container's HEALTHCHECK expects.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import NoReturn

from bot import __version__
from bot.errors import StartupError
from bot.settings import Settings, load_settings

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (its default prints the whole usage block first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from bot import studio

    parser = _Parser(prog="soundoff", description="Sound Off: a Discord bot that co-writes songs with communities.")
    parser.add_argument("--version", action="version", version=f"soundoff {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    run = commands.add_parser("run", help="connect to Discord and serve (needs DISCORD_TOKEN)")
    run.add_argument("--shards", metavar="A-B", help="own only shards A to B (scale-out; also SOUNDOFF_SHARDS)")
    run.add_argument("--shard-count", type=int, metavar="N", help="Discord's shard count, the same for every process")
    commands.add_parser(
        "worker", help="run queued drafts and sound-off deadlines for every bot process (scale-out: PostgreSQL)"
    )
    start = commands.add_parser(
        "start", help="what `make start` runs: the bot if DISCORD_TOKEN is set, else the playground"
    )
    playground = commands.add_parser("playground", help="co-write, listen and vote in a browser, no Discord needed")
    for serving in (start, playground):
        serving.add_argument("--host", default="127.0.0.1", help="address to serve on (default: loopback only)")
        serving.add_argument("--port", type=int, default=8080, help="port to serve on (0: any free port)")
        serving.add_argument("--open", action="store_true", help="open the playground in a web browser")
    sync = commands.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument("--guild", type=int, metavar="ID", help="sync to one server (instant) instead of globally")
    sync.add_argument("--clear", action="store_true", help="remove the registered commands instead")

    sketch = commands.add_parser("sketch", help="write a full song sketch offline, no Discord needed")
    studio.add_arguments(sketch)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply pending migrations")
    db_commands.add_parser("status", help="show the schema version and pending migrations")
    commands.add_parser(
        "health", help="exit 0 if the database is readable and the running bot's gateway heartbeat is fresh, else 1"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args, load_settings(overrides=_setting_options(args)))
    except StartupError as exc:
        print(f"soundoff: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _setting_options(args: argparse.Namespace) -> dict[str, object]:
    """Options that stand for a setting, as its variable (the command line wins over the environment)."""
    given = {
        "SOUNDOFF_SHARDS": getattr(args, "shards", None),
        "SOUNDOFF_SHARD_COUNT": getattr(args, "shard_count", None),
    }
    return {name: value for name, value in given.items() if value is not None}


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "start":
        if settings.discord_token is not None:
            args.command = "run"
        else:
            print("DISCORD_TOKEN is not set, so here is the playground instead of the bot.", flush=True)
            args.command = "playground"
    if args.command == "playground":
        from bot.playground import server

        return server.run(settings, host=args.host, port=args.port, open_browser=args.open)
    if args.command == "sketch":
        from bot import studio

        args.openai_api_key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        args.openai_base_url = settings.openai_base_url
        args.openai_model = settings.openai_model
        return studio.run(args)
    if args.command == "db":
        return asyncio.run(_db(args.db_command, settings))
    if args.command == "health":
        from bot import health

        report = health.check(settings.database)
        print(report.line, file=sys.stdout if report.healthy else sys.stderr)
        return 0 if report.healthy else 1
    if settings.discord_token is None:
        print(
            "soundoff: DISCORD_TOKEN is not set. Set it in the environment or .env to run the bot, "
            'or try the offline studio: soundoff sketch "a theme" --out sketch',
            file=sys.stderr,
        )
        return EXIT_USAGE
    from bot import runner

    if args.command == "sync":
        return asyncio.run(runner.sync(settings, guild_id=args.guild, clear=args.clear))
    if args.command == "worker":
        from bot.jobs import worker

        return worker.run(settings)
    return runner.run(settings)


async def _db(action: str, settings: Settings) -> int:
    from bot.database_target import PostgresUrl
    from bot.db.connection import Database
    from bot.db.migrate import available_migrations, schema_version, upgrade

    db = await Database.open(settings.database)
    try:
        if action == "upgrade":
            applied = await upgrade(db)
            print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")
            if settings.render_queue and isinstance(settings.database, PostgresUrl):
                from bot.jobs import schema

                ran = ", ".join(await schema.upgrade(settings.database)) or "up to date"
                print(f"job queue schema (procrastinate {schema.dotted(schema.INSTALLED)}): {ran}")
        current = await schema_version(db)
        pending = [m.name for m in available_migrations(db.dialect) if m.number > current]
        print(f"database: {db.label}")
        print(f"schema version: {current}")
        print(f"pending: {', '.join(pending) or 'none'}")
    finally:
        await db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
