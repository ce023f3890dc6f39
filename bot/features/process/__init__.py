"""The guided flows: the four-phase process and PDCA rounds, on one engine."""

from bot.features.process.feature import Process

__all__ = ["Process"]
