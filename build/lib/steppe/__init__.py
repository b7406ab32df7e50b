"""Steppe: landing, parsing and extraction for a warehouse of Central Asia news."""

__version__ = "0.1.0"
