"""The tip library (flows/tips.yaml, texts in the `tips` catalog), its search, and the
ways to reach it in a chat: /tip, /tip WORD, /tips and inline queries."""

from bot.features.tips.feature import InlineTip, ShowTip, Theme, Tips
from bot.features.tips.library import Tip, TipLibrary
from bot.features.tips.search import TipSearch

__all__ = ["InlineTip", "ShowTip", "Theme", "Tip", "TipLibrary", "TipSearch", "Tips"]
