"""The Bot API's HTTP client: PTB's request interface over aiohttp.

PTB's default client (httpx) spends more CPU per call than the rest of a handler does:
profiles of the mixed benchmark put it at about half the bot's time. aiohttp's C parser
and connection pool do the same calls for a fraction, and PTB documents a custom
`BaseRequest` as the way to swap the client. Timeouts and errors map onto PTB's own
(`TimedOut`, `NetworkError`), so retries and the rate limiter behave as before.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded pool of keep-alive connections."""

    def __init__(self, pool_size: int = 8, *, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 10.0, media_timeout: float = 20.0) -> None:
        self.pool_size = pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media = media_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.pool_size),
                headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=BaseRequest.DEFAULT_NONE,
                         write_timeout=BaseRequest.DEFAULT_NONE,
                         connect_timeout=BaseRequest.DEFAULT_NONE,
                         pool_timeout=BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = _given(read_timeout, self._read)
        # aiohttp has no separate write timeout: a send counts as part of the read wait,
        # so an upload gets the longer media allowance
        if files:
            read = None if read is None else max(read, _given(write_timeout, self._media) or 0)
        connect = _given(connect_timeout, self._connect)
        pool = _given(pool_timeout, self._pool)
        timeout = aiohttp.ClientTimeout(
            total=None, sock_read=read, sock_connect=connect,
            # aiohttp's `connect` covers waiting for a pooled connection too
            connect=None if connect is None or pool is None else connect + pool)
        try:
            async with self._session.request(method, url, data=_body(request_data, files),
                                             timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc


def _given(value, default):
    return default if isinstance(value, DefaultValue) else value


def _body(request_data: RequestData | None, files) -> aiohttp.FormData | dict | None:
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not files:
        return fields  # form-encoded, as PTB's own client sends them
    form = aiohttp.FormData(quote_fields=False)
    for name, value in fields.items():
        form.add_field(name, value)
    for name, part in files.items():
        if isinstance(part, tuple):
            filename, content, mimetype = part
            form.add_field(name, content, filename=filename, content_type=mimetype)
        else:
            form.add_field(name, part)
    return form
