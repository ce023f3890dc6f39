"""PTB handlers: each turns one kind of update into one Service call, and shows what
comes back. Thin on purpose: only translation between Telegram's objects and the
domain's."""


from __future__ import annotations

import logging

from telegram import (
    Chat,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    ContextTypes,
)

from bot.adapters.telegram import batch
from bot.adapters.telegram.delivery import deliver
from bot.core.context import Actor, ChatRef
from bot.service import Service

log = logging.getLogger(__name__)

ANONYMOUS_ADMIN_BOT = 1087968824  # Telegram's GroupAnonymousBot


def chat_ref(chat: Chat) -> ChatRef:
    return ChatRef(chat.id, chat.type, chat.title or chat.full_name or "")


def actor(message: Message | None, update: Update) -> Actor:
    if message is not None and message.sender_chat is not None:
        # An anonymous admin posts as the group itself.
        anonymous = message.sender_chat.id == message.chat.id
        return Actor(message.sender_chat.id, message.sender_chat.title or "Admin",
                     None, anonymous_admin=anonymous)
    user = update.effective_user
    return Actor(user.id, user.full_name, user.language_code)


def _ignored(message: Message) -> bool:
    """Messages from other bots and from channels are not for us."""
    if message.from_user and message.from_user.is_bot and \
            message.from_user.id != ANONYMOUS_ADMIN_BOT:
        return True
    return message.sender_chat is not None and message.sender_chat.id != message.chat.id


def _thread(message: Message | None) -> int | None:
    return message.message_thread_id if message is not None and message.is_topic_message else None


# -- handlers -------------------------------------------------------------------------


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /command, also as /command@ThisBot; commands for other bots are ignored."""
    message = update.effective_message
    if message is None or message.text is None or _ignored(message):
        return
    entity = message.entities[0] if message.entities else None
    if entity is None or entity.type != "bot_command" or entity.offset != 0:
        return
    name, _, target = message.text[1:entity.length].partition("@")
    args = message.text[entity.length:]
    if target and target.lower() != (context.bot.username or "").lower():
        return
    service: Service = context.bot_data["service"]
    work = batch.of(context, update)
    outcome = await service.command(chat_ref(message.chat), actor(message, update), name, args,
                                    update_id=update.update_id, message_id=message.message_id,
                                    within=batch.within(work))
    await deliver(context, work, message.chat, outcome, _thread(message))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    service: Service = context.bot_data["service"]
    message = query.message if isinstance(query.message, Message) else None
    if message is None or not query.data:
        await query.answer()
        return
    work = batch.of(context, update)
    outcome = await service.button(
        chat_ref(message.chat), Actor(query.from_user.id, query.from_user.full_name,
                                      query.from_user.language_code),
        query.data, message_id=message.message_id, update_id=update.update_id,
        within=batch.within(work))

    async def answer() -> None:
        try:
            await query.answer(outcome.toast[:200] if outcome.toast else None,
                               show_alert=outcome.alert)
        except BadRequest as exc:  # answered before this update was redelivered, or late
            log.info("callback query not answered: %s", exc.message)

    await batch.after_commit(work, message.chat.id, answer, in_turn=False)
    await deliver(context, work, message.chat, outcome, _thread(message))


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot fondsen` in any chat: matching tips from the library."""
    query = update.inline_query
    service: Service = context.bot_data["service"]
    # a page at a time: Telegram asks for the next (next_offset) as the list scrolls, and
    # ten tips are a fifth of the bytes to build, send and parse of all fifty
    tips, next_offset = service.inline(query.query, query.from_user.language_code,
                                       query.offset)
    results = [
        InlineQueryResultArticle(
            id=tip.id, title=tip.title, description=tip.description,
            input_message_content=InputTextMessageContent(tip.html, parse_mode="HTML"))
        for tip in tips
    ]
    # None, not "": PTB 22 sends an empty next_offset as "[]", which a client would send
    # back as the offset of a page that does not exist
    await query.answer(results, cache_time=300, is_personal=False,
                       next_offset=next_offset or None)


def _for_us(message: Message | None, bot_id: int) -> tuple[bool, int | None]:
    """Whether a plain message is ours to read, and which of our messages it replies to.
    In a group only replies to the bot count: ordinary chatter is never looked at."""
    if message is None or _ignored(message):
        return False, None
    reply_to = message.reply_to_message
    mine = reply_to is not None and reply_to.from_user is not None and \
        reply_to.from_user.id == bot_id
    return mine or message.chat.type == ChatType.PRIVATE, reply_to.message_id if mine else None


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    ours, reply_to = _for_us(message, context.bot.id)
    if not ours:
        return
    service: Service = context.bot_data["service"]
    work = batch.of(context, update)
    outcome = await service.text(chat_ref(message.chat), actor(message, update), message.text,
                                 reply_to=reply_to, update_id=update.update_id,
                                 message_id=message.message_id, within=batch.within(work))
    await deliver(context, work, message.chat, outcome, _thread(message))


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message: when it carried an answer, the stored answer follows the edit."""
    message = update.edited_message
    ours, _ = _for_us(message, context.bot.id)
    if not ours or message.text is None:
        return
    service: Service = context.bot_data["service"]
    work = batch.of(context, update)
    outcome = await service.edited(chat_ref(message.chat), actor(message, update), message.text,
                                   message_id=message.message_id, update_id=update.update_id,
                                   within=batch.within(work))
    await deliver(context, work, message.chat, outcome, _thread(message))


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    ours, reply_to = _for_us(message, context.bot.id)
    if not ours:
        return
    service: Service = context.bot_data["service"]
    work = batch.of(context, update)
    outcome = await service.other(chat_ref(message.chat), actor(message, update),
                                  reply_to=reply_to, update_id=update.update_id,
                                  within=batch.within(work))
    await deliver(context, work, message.chat, outcome, _thread(message))


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Upgraded to a supergroup: Telegram says so in both chats; either moves the data."""
    message = update.effective_message
    service: Service = context.bot_data["service"]
    unit = batch.within(batch.of(context, update))
    if message.migrate_to_chat_id:
        await service.migrate(message.chat.id, message.migrate_to_chat_id, within=unit)
    elif message.migrate_from_chat_id:
        await service.migrate(message.migrate_from_chat_id, message.chat.id, within=unit)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Added to a group: say hello. Removed or blocked: stop talking, keep the data."""
    change = update.my_chat_member
    service: Service = context.bot_data["service"]
    work = batch.of(context, update)
    status = change.new_chat_member.status
    if status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        await service.set_active(change.chat.id, False, within=batch.within(work))
        return
    was = change.old_chat_member.status
    if was in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        await service.set_active(change.chat.id, True, within=batch.within(work))
        if change.chat.type != ChatType.PRIVATE:
            user = change.from_user
            outcome = await service.command(
                chat_ref(change.chat), Actor(user.id, user.full_name, user.language_code),
                "start", "", update_id=update.update_id, within=batch.within(work))
            await deliver(context, work, change.chat, outcome, None)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log it, tell the chat kindly, and carry on with the next update."""
    if batch.failed(batch.of(context, update)):
        return  # its batch is rolled back and redone one update at a time
    log.error("error while handling an update: %s", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.callback_query is not None:
        try:  # stop the button's spinner on the user's phone
            await update.callback_query.answer()
        except TelegramError:
            pass
    if isinstance(update, Update) and update.effective_chat is not None:
        service: Service = context.bot_data["service"]
        try:
            text = await service.error_text(update.effective_chat.id)
            await context.bot.send_message(update.effective_chat.id, text)
        except Exception:  # the chat may be unreachable; the log already says why
            log.warning("could not tell chat %s about the error", update.effective_chat.id)
