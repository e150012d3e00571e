"""Discord adapters, one extension module per feature.

Every public module here (no leading underscore) is an extension that the bot loads at start;
modules with a leading underscore are shared helpers for the extensions.
"""
