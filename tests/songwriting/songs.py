"""Sample lyrics for the melody tests: different forms, line lengths, contractions and numbers."""

from __future__ import annotations

from bot.songwriting.words.lyrics import Lyrics, parse_lyrics

NIGHT_TRAIN = parse_lyrics(
    """Night Train Home

[Verse 1]
I walk alone beneath the city lights
The windows hum a song I used to know
Another train is rolling through the night
And every station whispers let it go

[Chorus]
Take me home on the midnight line
Where the river meets the sea
I will leave the dark behind
Take me home, set me free

[Verse 2]
My father built a house of yellow stone
He told me every road will bend in time
I carried all his stories on my own
And sang them softly, word by word, in rhyme

[Chorus]
Take me home on the midnight line
Where the river meets the sea
I will leave the dark behind
Take me home, set me free
"""
)

PAPER_BOATS = parse_lyrics(
    """Paper Boats

[Verse 1]
Paper boats at noon
Sailing down the drain
Humming out of tune
Dancing in the rain

[Chorus]
Float away, float away
Nothing here can hold us down
Float away, float away
Till we sail beyond the town

[Bridge]
Maybe we were small
Maybe that was all

[Chorus]
Float away, float away
Nothing here can hold us down
Float away, float away
Till we sail beyond the town
"""
)

HIGHWAY = parse_lyrics(
    """Highway Hymn

[Verse 1]
There's a highway running north of every promise that we made
And the radio keeps playing all the songs we never played
I remember how you laughed when the engine wouldn't start
In the summer of 1999 with a map and half a heart

[Chorus]
Drive on, drive on, the morning's coming soon
Drive on beneath the silver of a borrowed afternoon
"""
)

LANTERN = parse_lyrics(
    """Lantern

[Verse 1]
Light the lantern in the window
Let the weary traveller see
There is bread upon the table
And a fire burning free

[Verse 2]
Though the snow is on the mountain
And the wind is in the pine
We will gather at the doorway
Sharing stories, sharing wine

[Verse 3]
When the morning finds the valley
And the lantern's burning low
We will walk the road together
Where the silver rivers go
"""
)

SONGS: tuple[Lyrics, ...] = (NIGHT_TRAIN, PAPER_BOATS, HIGHWAY, LANTERN)
MOODS: tuple[str | None, ...] = ("sad", "happy", None, "dreamy", "dark", "hopeful", "mysterious", "energetic")

MEMBER_TUNE = b"X:1\nT:Harbour\nM:4/4\nL:1/8\nK:G\nGABc d2 B2|c2 A2 G4|GABc d2 B2|c2 A2 G4|\n"
"""A member's own melody file (ABC), with no genre or seed of the bot's."""
