"""``soundoff playground``: open the playground's own database, serve the page, stop cleanly on Ctrl+C.

Its database is a separate file beside the bot's (``playground.db`` next to SOUNDOFF_DATABASE), so pretend
members and their songs never mix with a real server's.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import signal
import socket
import sys
import webbrowser
from pathlib import Path

from aiohttp import web

from bot.errors import StartupError
from bot.logs import setup_logging
from bot.playground.app import build_app
from bot.services import Services
from bot.settings import Settings
from bot.workshop.workshop import Workshop

log = logging.getLogger(__name__)

DATABASE_NAME = "playground.db"


def database_path(settings: Settings) -> Path:
    """The playground's database: ``playground.db`` in the bot database's folder (``./data`` when the bot's is not
    an SQLite file): the playground always runs on the embedded SQLite default."""
    bots = settings.database
    return bots.with_name(DATABASE_NAME) if isinstance(bots, Path) else Path("data") / DATABASE_NAME


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_for(host: str, port: int) -> str:
    """The address to open: a wildcard bind is opened on loopback; an IPv6 literal goes in brackets."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def run(settings: Settings, *, host: str, port: int, open_browser: bool) -> int:
    """Serve until SIGINT/SIGTERM; an address that can't be had is a StartupError (one line, exit 2)."""
    if not is_loopback(host):
        print(
            f"warning: serving on {host}: the playground has no accounts, so anyone who can reach this address can "
            "act as every member. Use it on networks you trust.",
            file=sys.stderr,
        )
    listening = listen(host, port)  # before anything is opened or written: a busy port leaves no database behind
    secrets = [settings.openai_api_key.get_secret_value()] if settings.openai_api_key else []
    setup_logging(settings.log_level_number, secrets)
    settings = settings.model_copy(update={"database": database_path(settings)})
    try:
        asyncio.run(_serve(settings, listening, open_browser=open_browser, loopback_only=is_loopback(host)))
    finally:
        listening.close()
    return 0


def listen(host: str, port: int) -> socket.socket:
    """Bind the address now, so that a port in use or an address this machine lacks is one clear line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=128)
    except OSError as exc:
        raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


async def _serve(settings: Settings, listening: socket.socket, *, open_browser: bool, loopback_only: bool) -> None:
    services = await Services.open(settings)
    runner = web.AppRunner(build_app(Workshop(services), loopback_only=loopback_only), access_log=None)
    try:
        services.pool.start()
        await runner.setup()
        await web.SockSite(runner, listening).start()
        host, port = listening.getsockname()[:2]
        url = url_for(host, port)
        print(f"The Sound Off playground is at {url} (database {settings.database}; Ctrl+C stops it)", flush=True)
        if open_browser:
            asyncio.get_running_loop().run_in_executor(None, webbrowser.open, url)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        log.info("Stopping the playground")
    finally:
        await runner.cleanup()
        await services.close()
