"""Words: the brief, lyrics and their text format, syllables and stress, rhyme, and the prosody view. Imports
nothing else of the domain."""
