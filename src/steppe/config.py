"""Compatibility names for code written before steppe.settings: new code imports steppe.settings."""

from __future__ import annotations

from steppe.settings import ALLOWED_ROOTS_ENV, Settings, find_project_dir

# The folder holding dbt_project/ and expectations/ (steppe.settings.find_project_dir): found from
# the working directory, not from where the package is installed.
PROJECT_ROOT = find_project_dir()


def load_settings() -> Settings:
    """Settings.from_env(): for the edges (a command, a task, a script) only."""
    return Settings.from_env()


__all__ = ["ALLOWED_ROOTS_ENV", "PROJECT_ROOT", "Settings", "load_settings"]
