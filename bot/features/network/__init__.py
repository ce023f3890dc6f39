"""A coordinator's network of partnerships, with consent at its heart (issue 19)."""

from bot.features.network.feature import Network

__all__ = ["Network"]
