"""The pure songwriting domain: prosody, lyrics, melody, rendering, revisions, credits.

Nothing in this package imports ``discord``: every rule here is testable with plain values.
"""
