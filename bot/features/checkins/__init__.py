"""Check-ins: the schedule, the rounds, their summaries and next steps."""

from bot.features.checkins.feature import Checkins

__all__ = ["Checkins"]
