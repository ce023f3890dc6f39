"""Replies to Telegram calls: keyboards, reply prompts, the thread to answer in."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.core.outcome import Reply

log = logging.getLogger(__name__)

# Edits that cannot happen: the message was deleted, or is too old (48 hours in groups
# for anything but the bot's own recent messages). Nothing to update, nothing to apologise.
GONE = ("message to edit not found", "message can't be edited")


def markup(reply: Reply) -> InlineKeyboardMarkup | ForceReply | None:
    if reply.force_reply:
        return ForceReply(selective=False, input_field_placeholder=(reply.placeholder or "")[:64]
                          or None)
    if reply.buttons:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
             for row in reply.buttons])
    return None


async def show(bot: Bot, chat_id: int, reply: Reply, thread_id: int | None) -> Message | None:
    """Send or edit one reply; returns the message when one was sent."""
    keyboard = markup(reply)
    if reply.edit is not None:
        try:
            await bot.edit_message_text(
                reply.text, chat_id=chat_id, message_id=reply.edit, parse_mode=ParseMode.HTML,
                reply_markup=keyboard if isinstance(keyboard, InlineKeyboardMarkup) else None)
        except BadRequest as exc:
            if any(reason in exc.message.lower() for reason in GONE):  # PTB capitalises
                log.info("message %s in chat %s not updated: %s", reply.edit, chat_id,
                         exc.message)
            elif "not modified" not in exc.message:
                raise
        return None
    reply_to = (ReplyParameters(reply.reply_to, allow_sending_without_reply=True)
                if reply.reply_to else None)
    if reply.file is not None:
        name, content = reply.file
        send = bot.send_photo if name.endswith(".png") else bot.send_document
        media = {"photo": content} if name.endswith(".png") else {"document": content,
                                                                  "filename": name}
        return await send(chat_id, caption=reply.text or None, parse_mode=ParseMode.HTML,
                          reply_markup=keyboard, message_thread_id=thread_id,
                          reply_parameters=reply_to, **media)
    return await bot.send_message(
        chat_id, reply.text, parse_mode=ParseMode.HTML, reply_markup=keyboard,
        message_thread_id=thread_id, reply_parameters=reply_to)
