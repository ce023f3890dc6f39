"""A fake Telegram Bot API server for tests, plus conversation helpers.

async with FakeTelegram() as fake:
    app = Application.builder().token(fake.token).base_url(fake.base_url).build()
    group = Group(fake, title="Samen Sterk")
    ...
"""

from .conversation import BotMessage, Group, Member, Private, detect_entities
from .html import EntityParseError, format_text, html_to_text, parse_html, utf16_len
from .server import FakeTelegram
from .state import ANONYMOUS_ADMIN, StoredMessage, UploadedFile
from .validate import ApiError

__all__ = [
    "ANONYMOUS_ADMIN",
    "ApiError",
    "BotMessage",
    "EntityParseError",
    "FakeTelegram",
    "Group",
    "Member",
    "Private",
    "StoredMessage",
    "UploadedFile",
    "detect_entities",
    "format_text",
    "html_to_text",
    "parse_html",
    "utf16_len",
]
