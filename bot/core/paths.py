"""Where flows/ and locales/ are: inside the installed package, or at the repo's top."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent.parent  # the package: bot/


def data_dir(name: str) -> Path:
    installed = _HERE / "_data" / name
    if installed.is_dir():
        return installed
    return _HERE.parent / name


FLOWS = data_dir("flows")
LOCALES = data_dir("locales")
