"""Songs, versions and the library's answers as JSON for the page: the playground's presenters.

This is the JSON boundary, where domain values become plain dicts; the page builds its DOM from them with
textContent only, so nothing here escapes HTML. What a version shows matches its Discord message: the same
footer (bot/presenters.py's, which discloses the AI), the prosody view, the melody summary and the files.
"""

from __future__ import annotations

from bot.playground.files import FILES, MELODY_FILES
from bot.playground.members import key_of, name_of
from bot.playground.posts import Post
from bot.presenters import footer
from bot.songwriting.versions.credits import AI_DISCLOSURE, Credits
from bot.songwriting.versions.revisions import LyricDiff, VersionTree, diff_lines, unreadable_melody
from bot.songwriting.words.lyrics import Lyrics
from bot.songwriting.words.prosody_report import prosody_report
from bot.workshop.delivery import Delivery
from bot.workshop.records import Song, Version
from bot.workshop.songs import version_nodes

Json = dict[str, object]


def song_view(song: Song, versions: int, latest: int | None) -> Json:
    """A song as the channel lists it: its thread, owner, how many versions it has and the latest one."""
    return {
        "id": song.id,
        "title": song.title,
        "theme": song.theme,
        "owner": name_of(song.owner_id),
        "owner_key": key_of(song.owner_id),
        "created_at": song.created_at,
        "versions": versions,
        "latest": latest,
    }


def version_view(song: Song, version: Version, post: Post | None = None) -> Json:
    """One version as its message shows it: lyrics with prosody, melody summary, file links and the footer."""
    lyrics = version.lyrics if version.lyrics is not None and not version.lyrics.is_empty() else None
    base = f"/api/songs/{song.id}/versions/{version.number}/files/"
    names = [*(MELODY_FILES if version.melody is not None else ()), *(("lyrics.txt",) if lyrics else ())]
    files: list[Json] = [{"name": n, "label": FILES[n].label, "url": base + n} for n in names]
    sections = [label for label in dict.fromkeys(s.label for s in lyrics.sections)] if lyrics else []
    return {
        "song_id": song.id,
        "number": version.number,
        "label": version.label,
        "parent": version.parent,
        "kind": str(version.kind),
        "by_ai": version.by_ai,
        "author": "Sound Off" if version.by_ai else version.author_name,
        "author_key": None if version.author_id is None else key_of(version.author_id),
        "title": f"{lyrics.title if lyrics and lyrics.title else song.title} · {version.label}",
        "prosody": prosody_view(lyrics) if lyrics else None,
        "body": lyrics.to_body() if lyrics else "",
        "section_labels": sections,
        "melody": version.melody.summary() if version.melody is not None else None,
        "score": base + "score.png" if version.melody is not None else None,
        "audio": base + "preview.ogg" if version.melody is not None else None,
        "files": files,
        "export": f"/api/songs/{song.id}/versions/{version.number}/export",
        "footer": footer(Delivery(song, version)),
        "heading": post.heading if post else None,
        "notes": [
            *(post.notes if post else ()),
            *([unreadable_melody(version.number)] if version.melody_unreadable else []),
        ],
        "created_at": version.created_at,
    }


def prosody_view(lyrics: Lyrics) -> list[Json]:
    """The prosody view: per section its rhyme scheme, per line syllables, rhyme letter and any flag."""
    return [
        {
            "label": section.label,
            "scheme": section.scheme,
            "lines": [
                {"text": line.text, "syllables": line.syllables, "rhyme": line.rhyme, "flag": line.flag}
                for line in section.lines
            ],
        }
        for section in prosody_report(lyrics)
    ]


def history_view(versions: list[Version]) -> list[Json]:
    """The revision tree, depth first: each version with its depth, author and line counts against its parent.

    The workshop's ``history`` answers with Discord markdown and message links; the page draws the same tree
    from the versions and the domain's VersionTree.
    """
    tree = VersionTree(version_nodes(versions))
    by_number = {v.number: v for v in versions}
    out: list[Json] = []
    stack = [(root, 0) for root in reversed(tree.children(None))]
    while stack:
        node, depth = stack.pop()
        parent_lyrics = tree.lyrics_of(node.parent) if node.parent is not None else None
        version = by_number[node.number]
        out.append(
            {
                "number": node.number,
                "label": f"v{node.number}",
                "parent": node.parent,
                "depth": depth,
                "kind": str(node.kind),
                "kind_name": node.kind.display_name,
                "by_ai": node.by_ai,
                "author": node.byline,
                "counts": diff_lines(parent_lyrics, tree.lyrics_of(node.number)).counts(),
                "melody": node.has_melody,
                "created_at": version.created_at,
            }
        )
        stack.extend((child, depth + 1) for child in reversed(tree.children(node.number)))
    return out


def diff_view(diff: LyricDiff, a: int, b: int) -> Json:
    """Every line of the diff with its operation: ``=`` kept, ``~`` changed, ``+`` added, ``-`` removed."""
    return {
        "a": f"v{a}",
        "b": f"v{b}",
        "summary": diff.summary(),
        "changed": diff.has_changes,
        "lines": [
            {
                "op": line.op,
                "old_section": line.old_section,
                "old": line.old_text,
                "new_section": line.new_section,
                "new": line.new_text,
            }
            for line in diff.lines
        ],
    }


def credits_view(credits: Credits) -> Json:
    """Members with their lines and shares, the AI's part disclosed (never as an author), and every line's writer."""
    shares, ai_share = credits.percents()
    return {
        "version": f"v{credits.version}",
        "total": credits.total,
        "authors": [
            {"name": a.name, "lines": a.lines, "share": a.share, "percent": shown}
            for a, shown in zip(credits.authors, shares, strict=True)
        ],
        "ai_lines": credits.ai_lines,
        "ai_share": credits.ai_share,
        "ai_percent": ai_share,
        "disclosure": AI_DISCLOSURE,
        "lines": [
            {
                "section": c.section,
                "text": c.text,
                "by_ai": c.by_ai,
                "writer": "AI" if c.by_ai else c.author_name,
                "version": f"v{c.version}",
            }
            for c in credits.lines
        ],
    }
