"""Webhook mode: Telegram posts each update to us; we answer 200 as soon as its effects
are committed (not later: replies may wait for Telegram's rate limits, and Telegram
keeps only so many requests open), so Telegram redelivers whatever a crash interrupted.
When the database cannot be reached, the answer is 503 and nothing of the update is
kept: Telegram posts it again later (to this worker or another). Requests without the
right secret token get 403. /healthz is for the host's health checks."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable

import tornado.web
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from bot.adapters.telegram.batch import chat_key, handle, reply
from bot.store.postgres.url import unavailable

log = logging.getLogger(__name__)
PATH = "/telegram"
MAX_BODY = 1024 * 1024


class Receiver:
    """Handles one posted update at a time per chat; chats side by side."""

    def __init__(self, app: Application, secret: str) -> None:
        self.app = app
        self.secret = secret.encode()
        self.locks: dict[int | str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def allowed(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token.encode(), self.secret)

    async def handle(self, body: bytes) -> Callable[[], Awaitable[None]]:
        """Commit the update; returns what sends its replies, to call after answering.
        The chat stays locked until they are out, so its next update finds its questions."""
        update = Update.de_json(json.loads(body), self.app.bot)
        lock = self.locks[chat_key(update)]
        await lock.acquire()
        try:
            batches = await handle(self.app, [update])
        except BaseException:
            lock.release()
            raise

        async def replies() -> None:
            try:
                await reply(self.app, batches)
            finally:
                lock.release()

        return replies


class UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, receiver: Receiver) -> None:
        self.receiver = receiver

    async def post(self) -> None:
        if not self.receiver.allowed(self.request.headers.get(
                "X-Telegram-Bot-Api-Secret-Token")):
            log.warning("webhook request without the right secret token from %s",
                        self.request.remote_ip)
            raise tornado.web.HTTPError(403)
        try:
            replies = await self.receiver.handle(self.request.body)
        except (ValueError, TypeError, KeyError):
            raise tornado.web.HTTPError(400) from None
        except Exception as exc:
            if not unavailable(exc):
                raise
            log.warning("the database is out of reach (%s); Telegram will post this update "
                        "again", exc)
            raise tornado.web.HTTPError(503) from None
        try:
            self.set_status(200)
            self.finish("ok")
        finally:
            await replies()

    def log_exception(self, typ, value, tb) -> None:
        if not isinstance(value, tornado.web.HTTPError):
            super().log_exception(typ, value, tb)


class HealthHandler(tornado.web.RequestHandler):
    def get(self) -> None:
        self.finish("ok")


def listen(app: Application, secret: str, port: int, host: str = "0.0.0.0") -> HTTPServer:
    web = tornado.web.Application([
        (PATH, UpdateHandler, {"receiver": Receiver(app, secret)}),
        (r"/healthz", HealthHandler),
    ], log_function=lambda handler: None)
    server = HTTPServer(web, max_body_size=MAX_BODY)
    server.listen(port, host)
    return server
