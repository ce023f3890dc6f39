"""The five-conditions scan (Kaats & Opheij) and its result."""

from bot.features.scan.conditions import Condition, load_conditions
from bot.features.scan.feature import Close, Scan, Score, Start

__all__ = ["Close", "Condition", "Scan", "Score", "Start", "load_conditions"]
