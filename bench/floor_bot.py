"""The floor: a minimal PTB v22 echo bot (polling). Every kind of update costs it one Bot
API call: a message (commands too) is echoed HTML-escaped as a reply, a button press is
answered with its data as the toast, an inline query with one article echoing it."""

import html
import os

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(html.escape(update.message.text), parse_mode=ParseMode.HTML,
                                    do_quote=True)


async def toast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer(update.callback_query.data[:200])


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    text = html.escape(query.query) or "echo"
    await query.answer([InlineQueryResultArticle(
        id="echo", title=text, input_message_content=InputTextMessageContent(
            text, parse_mode=ParseMode.HTML))])


def main() -> None:
    app = (Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
           .base_url(os.environ["TELEGRAM_API_URL"]).build())
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(toast))
    app.add_handler(InlineQueryHandler(inline))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
