"""The local web playground: co-write, listen and vote in a browser, with no Discord application.

It is a second adapter beside ``cogs/``: it turns HTTP requests into the same Workshop calls the cogs make and
renders what comes back as JSON for a page that looks like a Discord channel with threads. Like the cogs it
never imports ``bot.db`` (tests/test_architecture.py holds that door).

It lives in ``bot/`` rather than beside ``cogs/`` at the top level because it is part of the installed command
(``soundoff playground`` imports it lazily from bot/cli.py), its static files ship as package data, and
``mypy bot`` checks it with the rest of the code that runs.
"""
