"""Telegram's validation rules for message content, keyboards, inline results and commands."""

from __future__ import annotations

import re
from typing import Any

from .html import EntityParseError, format_text, utf16_len

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_ANSWER_LIMIT = 200

_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
_BUTTON = "can't parse inline keyboard button: "
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SCOPES = {
    "default": (), "all_private_chats": (), "all_group_chats": (),
    "all_chat_administrators": (), "chat": ("chat_id",),
    "chat_administrators": ("chat_id",), "chat_member": ("chat_id", "user_id"),
}  # fmt: skip
_RESULT_TYPES = {
    "article", "photo", "gif", "mpeg4_gif", "video", "audio", "voice", "document",
    "location", "venue", "contact", "game", "sticker",
}  # fmt: skip


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code": ..., ...}``."""

    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = {k: v for k, v in parameters.items() if v is not None}

    def payload(self) -> dict:
        body: dict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(description: str, **parameters: Any) -> ApiError:
    return ApiError(400, f"Bad Request: {description}", **parameters)


def forbidden(description: str) -> ApiError:
    return ApiError(403, f"Forbidden: {description}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def rich_text(
    text: Any, parse_mode: Any, entities: Any, *, caption: bool = False, inline: bool = False
) -> tuple[str, list[dict]]:
    """Parse a message text or caption like Telegram; returns ``(plain_text, entities)``."""
    if parse_mode and str(parse_mode).lower() in {"markdown", "markdownv2"}:
        raise bad_request("unsupported parse_mode in fake")
    if parse_mode and str(parse_mode).lower() != "html":
        raise bad_request("unsupported parse_mode")
    if entities is not None and not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    try:
        plain, parsed = format_text("" if text is None else str(text), parse_mode, entities)
    except EntityParseError as err:
        raise bad_request(f"can't parse entities: {err}") from None
    if not plain and not caption:
        raise bad_request("MESSAGE_EMPTY" if inline else "message text is empty")
    if utf16_len(plain) > (CAPTION_LIMIT if caption else MESSAGE_LIMIT):
        if inline:
            raise bad_request("MESSAGE_TOO_LONG")
        raise bad_request("message caption is too long" if caption else "message is too long")
    return plain, parsed


def check_reply_markup(markup: Any) -> dict | None:
    """Validate ``reply_markup`` (inline keyboard, reply keyboard, remove, force reply)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        check_inline_keyboard(markup)
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request(
                'can\'t parse reply keyboard markup JSON object: Field "keyboard" of the '
                "ReplyKeyboardMarkup must be an Array of Arrays"
            )
        for button in (b for row in rows for b in row):
            label = button.get("text") if isinstance(button, dict) else button
            if not isinstance(label, str) or not label:
                raise bad_request("can't parse keyboard button: Text must be non-empty")
    elif markup.get("remove_keyboard") is not True and markup.get("force_reply") is not True:
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def check_inline_keyboard(markup: dict) -> None:
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'can\'t parse inline keyboard markup JSON object: Field "inline_keyboard" of the '
            "InlineKeyboardMarkup must be an Array of Arrays"
        )
    if sum(len(row) for row in rows) > 100:
        raise bad_request("reply markup is too long")
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict):
            raise bad_request(_BUTTON + "InlineKeyboardButton must be an Object")
        if "text" not in button:
            raise bad_request(_BUTTON + 'Can\'t find field "text"')
        if not isinstance(button["text"], str):
            raise bad_request(_BUTTON + 'Field "text" must be of type String')
        # like Telegram, an empty string counts as "field not given"
        actions = [a for a in _BUTTON_ACTIONS if button.get(a) not in (None, "")]
        if not actions or not button["text"].strip():
            raise bad_request(_BUTTON + "Text buttons are unallowed in the inline keyboard")
        if len(actions) > 1:
            raise bad_request(_BUTTON + "exactly one of the optional fields must be used")
        data = button.get("callback_data")
        if data is not None and data != "":
            if not isinstance(data, str) or len(data.encode("utf-8")) > 64:
                raise bad_request("BUTTON_DATA_INVALID")
        url = button.get("url")
        if url and not re.match(r"(https?|tg)://\S+$", str(url)):
            raise bad_request("BUTTON_URL_INVALID")


def check_inline_results(results: Any) -> list[dict]:
    if not isinstance(results, list):
        raise bad_request("can't parse JSON encoded inline query results")
    if len(results) > 50:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        if not isinstance(result, dict) or result.get("type") not in _RESULT_TYPES:
            raise bad_request("RESULT_TYPE_INVALID")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        if result["type"] == "article":
            if not str(result.get("title") or "").strip():
                raise bad_request("RESULT_TITLE_EMPTY")
            if not isinstance(result.get("input_message_content"), dict):
                raise bad_request(
                    'can\'t parse InlineQueryResult: Field "input_message_content" must be '
                    "of type Object"
                )
        content = result.get("input_message_content")
        if isinstance(content, dict) and "message_text" in content:
            rich_text(
                content["message_text"],
                content.get("parse_mode"),
                content.get("entities"),
                inline=True,
            )
        if "reply_markup" in result:
            check_inline_keyboard(result["reply_markup"])
    return results


def check_commands(commands: Any) -> list[dict]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.fullmatch(str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return [{"command": c["command"], "description": c["description"]} for c in commands]


def check_scope(scope: Any) -> dict:
    scope = scope or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    for field in _SCOPES[scope["type"]]:
        if field not in scope:
            raise bad_request(f"can't parse BotCommandScope: Can't find field \"{field}\"")
    return scope


def check_language_code(code: Any) -> str:
    code = code or ""
    if code and not re.fullmatch(r"[a-z]{2}", str(code)):
        raise bad_request("invalid language code specified")
    return str(code)
