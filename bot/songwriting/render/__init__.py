"""Rendering: the sketch pipeline (compose, then write every file) and the renderers it runs: MIDI, MusicXML, a
score image, audio, ABC, the results chart, and the files of a sketch by name. The top layer of the domain:
it may import words, music and versions.

Each renderer is a pure function from values to bytes or text, so the sketch pipeline can run them in a
worker process and isolate a failing stage from the rest.
"""
