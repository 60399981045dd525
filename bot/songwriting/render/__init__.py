"""Renderers: a melody (with its lyrics) written out as MIDI, MusicXML, a score image, audio and ABC.

Each renderer is a pure function from values to bytes or text, so the sketch pipeline can run them in a
worker process and isolate a failing stage from the rest.
"""
