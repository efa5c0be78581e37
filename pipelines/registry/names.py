"""How two printings of an organ's name are compared: normalised (NFKC, radical forms folded, no spaces), short
forms expanded (发改局 → 发展和改革局), and, as a last resort, characters text recognition confuses folded (沐/沭).

The rules are data (``names.yaml``); the crawler (organ of a report in a many-organ column) and the warehouse
(organ identity) both compare names through this module.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

import yaml

_SPACE = re.compile(r"[\s\u3000\u00a0\u2002\u200b·•]+")


@cache
def _rules() -> dict[str, Any]:
    text = resources.files("pipelines.registry").joinpath("names.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def normalise(name: str) -> str:
    """The comparable form of a printed name: NFKC, CJK radical forms folded, no spaces or dots."""
    text = unicodedata.normalize("NFKC", name)
    radicals = _rules()["radicals"]
    text = "".join(radicals.get(char, char) for char in text)
    return _SPACE.sub("", text).strip()


@cache
def _abbreviations() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(_rules()["abbreviations"].items(), key=lambda pair: -len(pair[0])))


def expand(name: str) -> str:
    """``name`` with every known short form replaced by its full form (longest short forms first)."""
    for short, full in _abbreviations():
        if short in name and full not in name:
            name = name.replace(short, full)
    return name


def comparable(name: str) -> str:
    """The key two names are equal by: normalised, short forms expanded."""
    return expand(normalise(name))


@cache
def _confusables() -> dict[str, str]:
    return {slip: right for slip, right in _rules()["confusables"]}


def fold_confusables(name: str) -> str:
    """``name`` with characters that text recognition confuses folded to one of each pair."""
    table = _confusables()
    return "".join(table.get(char, char) for char in name)
