"""Lyric writers: the offline writer, the LLM writer (the one part that does network I/O), and the fallback
between them. Imports only words."""
