"""Numbered, forward-only schema migrations (``NNNN_reason.sql``); never edit one that has shipped."""
