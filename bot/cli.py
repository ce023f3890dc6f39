"""The program: `samenwerkbot [run|console]`. Bad settings give one line and exit 2."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys

from telegram.error import InvalidToken, NetworkError

from bot import config
from bot.core.flows import FlowError
from bot.store import KeyMismatch, StoreUnavailable

HELP = """\
Samenwerkbot coaches volunteer organisations through working together, in a
Telegram group with the board members of every partner.

  samenwerkbot            the console without TELEGRAM_BOT_TOKEN, Telegram with it
  samenwerkbot run        run on Telegram (long polling); needs TELEGRAM_BOT_TOKEN
  samenwerkbot webhook    run on Telegram with a webhook on PORT (for hosts that give
                          a web port); needs WEBHOOK_URL and WEBHOOK_SECRET too
  samenwerkbot console    chat with the bot in this terminal; /as NAME plays another
                          member, numbers press buttons, /quit stops
  samenwerkbot migrate-db --from sqlite:PATH --to postgresql://...
                          copy everything from a SQLite file to PostgreSQL

Settings (environment variables):
  TELEGRAM_BOT_TOKEN  the token from @BotFather
  TELEGRAM_API_URL    Bot API base URL (default https://api.telegram.org/bot)
  DATABASE_URL        postgresql://USER:PASSWORD@HOST/NAME (or postgres://...) for
                      PostgreSQL; sqlite:PATH or a path for SQLite
  DATABASE_PATH       SQLite file (default ./data/samenwerkbot.sqlite3)
  BOT_LANGUAGE        nl or en (default nl)
  BOT_TIMEZONE        e.g. Europe/Amsterdam (default), Europe/Brussels
  LOG_LEVEL           DEBUG, INFO (default), WARNING, ERROR
  CHECKIN_REMINDER_HOURS, CHECKIN_DEADLINE_HOURS   check-in timing (24, 72)
  PORT, WEBHOOK_URL, WEBHOOK_SECRET                 webhook mode
  BOT_DATA_KEY        encrypts free-text answers at rest (a Fernet key)
  RETENTION_DAYS      delete a chat's data after this many days unused (730)
"""

# Third-party loggers kept at WARNING, whatever LOG_LEVEL says.
QUIET = ("httpx", "transitions", "apscheduler", "fontTools", "matplotlib", "PIL", "fpdf")


def _logging(settings: config.Settings) -> None:
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL, and Telegram's URLs contain the token. The others talk
    # at INFO about their own work (fontTools: a hundred lines for one agreement PDF), which
    # would drown the server log and the console's conversation.
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    token_filter = config.TokenFilter(settings.token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)


def main(argv: list[str] | None = None) -> int:
    if (sys.argv[1:] if argv is None else argv)[:1] == ["migrate-db"]:
        from bot.store.postgres.copy import main as migrate_db
        return migrate_db((sys.argv[1:] if argv is None else argv)[1:])
    parser = argparse.ArgumentParser(
        prog="samenwerkbot", description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", choices=("run", "webhook", "console"),
                        help="what to do (default: console without a token, run with one)")
    parser.add_argument("--name", help="your name in the console (default: your login name)")
    args = parser.parse_args(argv)
    try:
        settings = config.load()
        command = args.command or ("run" if settings.token else "console")
        if command == "webhook":
            settings.check_webhook()
        if command in ("run", "webhook") and not settings.token:
            raise config.ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: get one from @BotFather, or use "
                "`samenwerkbot console`")
        _logging(settings)
        if command == "console":
            from bot.adapters import console
            if args.command is None:
                from bot.core.i18n import texts
                print(texts(settings.language)._(
                    "No TELEGRAM_BOT_TOKEN set, so this is the terminal console.\n"
                    "To run on Telegram: create a bot with @BotFather, then\n"
                    "  TELEGRAM_BOT_TOKEN=123456:ABC... samenwerkbot run\n"))
            name = args.name or (getpass.getuser() or "Ik").capitalize()
            asyncio.run(console.run(settings, name))
        else:
            from bot.adapters.telegram.runner import serve
            asyncio.run(serve(settings, command))
    except config.ConfigError as exc:
        print(f"samenwerkbot: {exc}", file=sys.stderr)
        return 2
    except (KeyMismatch, StoreUnavailable) as exc:
        print(f"samenwerkbot: {exc}", file=sys.stderr)
        return 2
    except FlowError as exc:
        print(f"samenwerkbot: bad flow definition: {exc}", file=sys.stderr)
        return 2
    except InvalidToken:
        print("samenwerkbot: Telegram does not accept TELEGRAM_BOT_TOKEN (check it with "
              "@BotFather)", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"samenwerkbot: cannot reach Telegram at TELEGRAM_API_URL ({exc})",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
