"""Helpers the bench shares: files of the source tree loaded as modules, and the machine's load."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType


def load_source(path: Path, name: str) -> ModuleType | None:
    """A Python file of the source tree (tools/, tests/) as a module; None when it is not there."""
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (the machine is shared: the timings depend on them)."""
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
