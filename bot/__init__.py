"""Little Things fan-community bot: core package (config, start-up, store, pure domain logic)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout the bot runs from; defaults for the content pack and database are relative to it."""
