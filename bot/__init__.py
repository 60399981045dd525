"""Sound Off: a Discord bot that co-writes songs with communities."""

__version__ = "0.1.0"
