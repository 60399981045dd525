"""Versions: revision trees and diffs, line-level credits and disclosure, sound-off rules and tallies. Imports
only words."""
