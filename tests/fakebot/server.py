"""A fake Telegram Bot API server on 127.0.0.1 for the real PTB ``Bot``/``Application``.

Start it in the test's event loop (``async with FakeTelegram() as fake``) and build PTB with
``base_url=fake.base_url``. Tests arrange chats and users, push updates and then wait (never
sleep) for what the bot did with :meth:`FakeTelegram.wait_for` or the helpers in
:mod:`fakebot.conversation`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from .methods import ApiMethods
from .state import (
    DEFAULT_ALLOWED,
    UPDATE_TYPES,
    ChatState,
    StoredMessage,
    UploadedFile,
    clone,
    update_kind,
)
from .validate import ApiError, bad_request, too_many_requests
from .world import World

T = TypeVar("T")

_JSON_FIELDS = {
    "reply_markup", "reply_parameters", "entities", "caption_entities", "link_preview_options",
    "results", "commands", "scope", "allowed_updates", "button", "media", "permissions",
    "reaction", "options", "prices",
}  # fmt: skip
_NUMBER_FIELDS = {
    "chat_id", "user_id", "message_id", "message_thread_id", "reply_to_message_id", "offset",
    "limit", "timeout", "cache_time", "max_connections", "from_chat_id", "until_date",
}  # fmt: skip
_TEXT_FIELDS = {"text", "caption", "callback_data", "query", "description", "title", "url"}
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: injected failure",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def _coerce(name: str, value: Any) -> Any:
    """Turn a form/query string into the type Telegram would read it as."""
    if not isinstance(value, str):
        return value
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name.replace('_', ' ')} JSON object") from None
    if name in _NUMBER_FIELDS and _NUMBER.fullmatch(value):
        number = float(value)
        return int(number) if number.is_integer() else number
    if value in ("true", "false") and name not in _TEXT_FIELDS:
        return value == "true"
    return value


@dataclass
class _Fault:
    method: str
    error: ApiError | None  # None: close the connection without answering
    times: int


class _Handler(RequestHandler):
    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.gone = asyncio.Event()

    def check_xsrf_cookie(self) -> None:
        pass

    async def post(self, token: str = "", method: str = "") -> None:
        await self.fake._serve(self, token, method)

    get = post

    def on_connection_close(self) -> None:
        self.gone.set()
        self.fake._notify()

    def reply(self, status: int, body: dict) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))

    def drop(self) -> None:
        self._finished = True  # tornado must not try to answer on the closed stream
        self.request.connection.close()


class _NotFound(RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.finish({"ok": False, "error_code": 404, "description": "Not Found"})


class FakeTelegram(World, ApiMethods):
    """Fake Bot API server plus the state and helpers tests use to drive it."""

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "samenwerk_test_bot",
        bot_id: int | None = None,
        bot_name: str = "Samenwerkbot",
    ) -> None:
        self.token = token
        bot_id = bot_id if bot_id is not None else int(token.split(":", 1)[0])
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.users: dict[int, dict] = {}
        self.chats: dict[int, ChatState] = {}
        self.blocked: set[int] = set()
        self.requests: list[tuple[str, dict]] = []  # every call: (lowercased method, params)
        self.errors: list[tuple[str, dict]] = []  # every error answer: (method, body)
        self.sent: list[dict] = []  # snapshot of every message the bot sent or edited
        self.deleted: list[tuple[int, int]] = []  # (chat id, message id) the bot deleted
        self.callback_answers: dict[str, dict] = {}  # query id -> answerCallbackQuery params
        self.inline_answers: dict[str, dict] = {}  # query id -> answerInlineQuery params
        self.inline_edits: list[dict] = []  # edits of messages sent via inline mode
        self.chat_actions: list[tuple[int, str]] = []
        self.commands: dict[tuple[str, str], list[dict]] = {}  # (scope json, language) -> list
        self.files: dict[str, UploadedFile] = {}
        self.webhook: dict = {}
        self.clock: Callable[[], float] = time.monotonic  # used for rate limits only
        self.base_url = ""
        self.port = 0
        self._ids = itertools.count(1)
        self._file_seq = 0
        self._attachments: dict[str, UploadedFile] = {}
        self._open_queries: dict[str, set[str]] = {"callback_query": set(), "inline_query": set()}
        self._updates: list[dict] = []
        self._next_update_id = 100_000_001
        self._confirmed = 0
        self._allowed = DEFAULT_ALLOWED
        self._poll_generation = 0
        self._changed = asyncio.Event()
        self._faults: list[_Fault] = []
        self._held: dict[int, asyncio.Event] = {}
        self._rate: tuple[int | None, int | None, float] | None = None
        self._send_log: list[tuple[int, float]] = []
        self._server: HTTPServer | None = None
        self._closing = False
        self._inflight = 0

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        sockets = bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        app = Application(
            [(r"/bot([^/]*)/([^/]*)", _Handler, {"fake": self}), (r".*", _NotFound)],
            log_function=lambda handler: None,
        )
        self._server = HTTPServer(app)
        self._server.add_sockets(sockets)
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        self._closing = False

    async def stop(self) -> None:
        if self._server is None:
            return
        self._closing = True
        self._notify()
        with contextlib.suppress(AssertionError):  # let pending long polls answer first
            await self.wait_for(lambda: self._inflight == 0, timeout=1.0)
        self._server.stop()
        await self._server.close_all_connections()
        self._server = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- looking at the result -------------------------------------------------------------

    def messages(self, chat_id: int) -> list[dict]:
        """Current state of all (not deleted) messages in a chat, in order."""
        state = self.chats[chat_id]
        return [s.snapshot() for s in state.messages.values() if not s.deleted]

    def stored(self, chat_id: int, message_id: int) -> StoredMessage:
        return self.chats[chat_id].messages[message_id]

    def commands_for(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        """The commands set for ``scope`` (default scope if None) and language."""
        key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        return self.commands.get((key, language_code), [])

    def calls(self, method: str) -> list[dict]:
        """Parameters of every call of ``method`` (case-insensitive)."""
        return [params for name, params in self.requests if name == method.lower()]

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:  # noqa: ASYNC109
        """Wait until ``predicate()`` is truthy (re-checked after every request); return it.

        The timeout is only a safety net: on expiry an AssertionError shows what happened.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            result = predicate()
            if result:
                return result
            if loop.time() >= deadline:
                raise AssertionError(f"condition not met within {timeout}s\n{self.dump()}")
            try:
                await asyncio.wait_for(changed.wait(), deadline - loop.time())
            except TimeoutError:
                pass

    def dump(self, *, last: int = 15) -> str:
        """What happened so far, for assertion messages."""
        lines = [f"last {last} requests (of {len(self.requests)}):"]
        for name, params in self.requests[-last:]:
            shown = {k: v for k, v in params.items() if not isinstance(v, UploadedFile)}
            lines.append(f"  {name} {json.dumps(shown, ensure_ascii=False, default=str)[:300]}")
        for state in self.chats.values():
            if state.messages:
                lines.append(f"chat {state.id} ({state.type}):")
            for stored in list(state.messages.values())[-8:]:
                m = stored.message
                who = "BOT" if stored.by_bot else m.get("from", {}).get("first_name", "?")
                body = m.get("text", m.get("caption", "<media>"))
                flags = " (deleted)" if stored.deleted else ""
                lines.append(f"  #{m['message_id']} {who}: {body!r}{flags}")
        lines.append(f"pending updates: {len(self._updates)}, confirmed offset: {self._confirmed}")
        return "\n".join(lines)

    # ---- fault injection & rate limits -----------------------------------------------------

    def fail_next(
        self,
        method: str,
        error_code: int = 400,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with this error instead."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if error_code == 429
                else _DEFAULT_DESCRIPTIONS.get(error_code, "Injected failure")
            )
        error = ApiError(
            error_code, description, retry_after=retry_after, migrate_to_chat_id=migrate_to_chat_id
        )
        self._faults.append(_Fault(method.lower(), error, times))

    def hold(self, chat_id: int) -> asyncio.Event:
        """Keep calls about ``chat_id`` waiting (a slow connection to that chat) until the
        returned event is set."""
        self._held[chat_id] = asyncio.Event()
        return self._held[chat_id]

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection of the next ``times`` calls of ``method`` without answering."""
        self._faults.append(_Fault(method.lower(), None, times))

    def enable_rate_limits(
        self, per_chat: int | None = 1, overall: int | None = 30, *, window: float = 1.0
    ) -> None:
        """More than ``per_chat`` messages in one chat (or ``overall`` in total) within
        ``window`` seconds of ``self.clock`` get 429 with retry_after. Sends and edits count."""
        self._rate = (per_chat, overall, window)
        self._send_log.clear()

    def disable_rate_limits(self) -> None:
        self._rate = None

    def _throttle(self, chat_id: int) -> None:
        if self._rate is None:
            return
        per_chat, overall, window = self._rate
        now = self.clock()
        self._send_log = [(c, t) for c, t in self._send_log if now - t < window]
        in_chat = [t for c, t in self._send_log if c == chat_id]
        everywhere = [t for _, t in self._send_log]
        for hits, limit in ((in_chat, per_chat), (everywhere, overall)):
            if limit is not None and len(hits) >= limit:
                raise too_many_requests(max(1, math.ceil(min(hits) + window - now)))
        self._send_log.append((chat_id, now))

    # ---- plumbing ----------------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _now(self) -> int:
        return int(time.time())

    def _parse(self, handler: _Handler) -> dict:
        request = handler.request
        raw: dict[str, Any] = {k: v[-1].decode() for k, v in request.query_arguments.items()}
        if request.headers.get("Content-Type", "").startswith("application/json"):
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                raise bad_request("can't parse JSON request body") from None
            raw.update(body if isinstance(body, dict) else {})
        else:
            raw.update({k: v[-1].decode() for k, v in request.body_arguments.items()})
        params = {k: _coerce(k, v) for k, v in raw.items()}
        for name, uploads in request.files.items():
            upload = uploads[-1]
            params[name] = UploadedFile(upload.filename, upload.content_type, upload.body)
        return params

    def _take_fault(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.method == method:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    async def _serve(self, handler: _Handler, token: str, method: str) -> None:
        name = method.lower()
        self._inflight += 1
        try:
            params = self._parse(handler)
            self.requests.append((name, params))
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            fault = self._take_fault(name)
            if fault is not None and fault.error is None:
                handler.drop()
                return
            if fault is not None and fault.error is not None:
                raise fault.error
            held = self._held.get(params.get("chat_id"))
            if held is not None:
                await held.wait()
            if name == "getupdates":
                result: Any = await self._get_updates(params, handler.gone)
            else:
                api = getattr(self, f"_api_{name}", None) if name.isalnum() else None
                if api is None:
                    raise ApiError(404, "Not Found")
                self._attachments = {k: v for k, v in params.items() if isinstance(v, UploadedFile)}
                result = api(params)
            handler.reply(200, {"ok": True, "result": result})
        except ApiError as err:
            self.errors.append((name, err.payload()))
            handler.reply(err.code, err.payload())
        finally:
            self._inflight -= 1
            self._notify()

    async def _get_updates(self, p: dict, gone: asyncio.Event) -> list[dict]:
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older long poll gets its 409 now
        offset = int(p.get("offset") or 0)
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        if (allowed := p.get("allowed_updates")) is not None:
            if not isinstance(allowed, list):
                raise bad_request("can't parse allowed updates JSON object")
            self._allowed = frozenset(allowed) or DEFAULT_ALLOWED
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._confirmed = max(self._confirmed, offset)
        elif offset < 0:
            self._updates = self._updates[offset:]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            self._updates = [
                u
                for u in self._updates
                if update_kind(u) in self._allowed or update_kind(u) not in UPDATE_TYPES
            ]
            if self._updates or loop.time() >= deadline or self._closing or gone.is_set():
                return clone(self._updates[:limit])
            if generation != self._poll_generation:
                raise ApiError(409, _DEFAULT_DESCRIPTIONS[409])
            try:
                await asyncio.wait_for(changed.wait(), deadline - loop.time())
            except TimeoutError:
                pass
