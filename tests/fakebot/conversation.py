"""Helpers that make tests read like a conversation in a Telegram chat.

    group = Group(fake, title="Samen Sterk")
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/start")
    msg = await group.bot_says(containing="Welkom")
    query_id = await anna.presses(msg, "Volgende")
    assert await group.callback_answer(query_id) is None

Every update pushed here is shaped like the ones Telegram sends.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable
from typing import Any

from .html import utf16_len
from .server import FakeTelegram
from .state import ANONYMOUS_ADMIN, StoredMessage, UploadedFile

_chat_numbers = itertools.count(1)
_query_numbers = itertools.count(1)
_file_numbers = itertools.count(1)

_DETECTED = [
    ("bot_command", re.compile(r"(?<![\w/<>])/\w{1,64}(?:@\w{3,32})?(?![\w/<>])", re.ASCII)),
    ("mention", re.compile(r"(?<!\w)@\w{2,32}(?!\w)", re.ASCII)),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")),
    ("url", re.compile(r"https?://[^\s<>\"]+")),
]


def detect_entities(text: str) -> list[dict]:
    """The entities Telegram's clients attach to typed text (commands, mentions, ...)."""
    found = []
    for kind, pattern in _DETECTED:
        for match in pattern.finditer(text):
            offset = utf16_len(text[: match.start()])
            found.append({"offset": offset, "length": utf16_len(match[0]), "type": kind})
    return sorted(found, key=lambda e: e["offset"])


def _text_of(message: dict) -> str:
    return message.get("text", message.get("caption", ""))


def _matches(message: dict, containing: str | None, matching: str | re.Pattern | None) -> bool:
    text = _text_of(message)
    if containing is not None and containing not in text:
        return False
    return matching is None or re.search(matching, text) is not None


class BotMessage:
    """A message the bot sent; properties show its *current* state (after edits)."""

    def __init__(self, fake: FakeTelegram, sent: dict) -> None:
        self.fake = fake
        self.sent = sent  # the message as it was when sent
        self.chat_id: int = sent["chat"]["id"]
        self.message_id: int = sent["message_id"]
        self._seen_edits = self.stored.edits

    def __repr__(self) -> str:
        return f"<BotMessage #{self.message_id} in {self.chat_id}: {self.text!r} {self.buttons}>"

    @property
    def stored(self) -> StoredMessage:
        return self.fake.stored(self.chat_id, self.message_id)

    @property
    def message(self) -> dict:
        return self.stored.snapshot()

    @property
    def text(self) -> str:
        """Plain text (or caption) as a user sees it."""
        return _text_of(self.stored.message)

    @property
    def html(self) -> str | None:
        """The text/caption exactly as the bot sent it (HTML source when parse_mode=HTML)."""
        return self.stored.source

    @property
    def entities(self) -> list[dict]:
        m = self.stored.message
        return m.get("entities", m.get("caption_entities", []))

    @property
    def buttons(self) -> list[list[str]]:
        rows = self.stored.message.get("reply_markup", {}).get("inline_keyboard", [])
        return [[button["text"] for button in row] for row in rows]

    def button(self, label: str) -> dict:
        rows = self.stored.message.get("reply_markup", {}).get("inline_keyboard", [])
        for button in (b for row in rows for b in row):
            if button["text"] == label:
                return button
        raise AssertionError(f"no button {label!r} on {self!r}")

    def button_data(self, label: str) -> str:
        return self.button(label)["callback_data"]

    @property
    def keyboard(self) -> list[list[str]]:
        """Labels of a reply keyboard sent with the message."""
        rows = (self.stored.markup or {}).get("keyboard", [])
        return [[b["text"] if isinstance(b, dict) else b for b in row] for row in rows]

    @property
    def force_reply(self) -> bool:
        return bool((self.stored.markup or {}).get("force_reply"))

    @property
    def reply_to_message_id(self) -> int | None:
        return self.stored.message.get("reply_to_message", {}).get("message_id")

    @property
    def thread_id(self) -> int | None:
        return self.stored.message.get("message_thread_id")

    @property
    def deleted(self) -> bool:
        return self.stored.deleted

    @property
    def edits(self) -> int:
        return self.stored.edits

    @property
    def document(self) -> UploadedFile | None:
        m = self.stored.message
        media = m.get("document") or (m.get("photo") or [None])[-1]
        return self.fake.files.get(media["file_id"]) if media else None

    async def edited(
        self,
        containing: str | None = None,
        *,
        matching: str | re.Pattern | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> BotMessage:
        """Wait until the bot edits this message (again) so that it matches."""

        def done() -> bool:
            stored = self.stored
            return stored.edits > self._seen_edits and _matches(
                stored.message, containing, matching
            )

        await self.fake.wait_for(done, timeout)
        self._seen_edits = self.stored.edits
        return self


class _Chat:
    def __init__(self, fake: FakeTelegram, chat_id: int) -> None:
        self.fake = fake
        self.id = chat_id
        self._consumed: set[int] = set()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.chat.get('title', '')!r}>"

    @property
    def chat(self) -> dict:
        return self.fake.chats[self.id].chat

    def messages(self) -> list[dict]:
        return self.fake.messages(self.id)

    def _unread(self) -> list[dict]:
        return [
            m
            for m in self.fake.sent
            if m["chat"]["id"] == self.id
            and "edit_date" not in m
            and m["message_id"] not in self._consumed
        ]

    def unread(self) -> list[BotMessage]:
        """Bot messages not yet returned by :meth:`bot_says` (does not consume them)."""
        return [BotMessage(self.fake, m) for m in self._unread()]

    async def bot_says(
        self,
        containing: str | None = None,
        *,
        matching: str | re.Pattern | None = None,
        where: Callable[[dict], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> BotMessage:
        """The first bot message in this chat not returned before that matches (waits for it).

        Earlier non-matching messages stay unread, so the order of checks may differ from the
        order of sending. ``where`` gets the message (a dict) as it was sent.
        """

        def find() -> dict | None:
            for m in self._unread():
                if _matches(m, containing, matching) and (where is None or where(m)):
                    return m
            return None

        try:
            found = await self.fake.wait_for(find, timeout)
        except AssertionError as err:
            unread = [_text_of(m) for m in self._unread()]
            wanted = containing if matching is None else f"/{matching}/"
            raise AssertionError(
                f"the bot did not say {wanted!r} in {self!r}; unread bot messages: {unread}\n{err}"
            ) from None
        self._consumed.add(found["message_id"])
        return BotMessage(self.fake, found)

    async def callback_answer(self, query_id: str, *, timeout: float = 5.0) -> str | None:  # noqa: ASYNC109
        """Wait for answerCallbackQuery of ``query_id``; returns its text (None if none)."""
        await self.fake.wait_for(lambda: query_id in self.fake.callback_answers, timeout)
        return self.fake.callback_answers[query_id].get("text")

    async def bot_action(self, action: str = "typing", *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self.fake.wait_for(lambda: (self.id, action) in self.fake.chat_actions, timeout)


class Group(_Chat):
    """A group (or supergroup / forum) with the bot in it; ``chat_id`` of an existing chat
    gives a helper for that chat."""

    def __init__(
        self,
        fake: FakeTelegram,
        title: str = "Samen Sterk",
        *,
        type: str = "group",
        is_forum: bool = False,
        chat_id: int | None = None,
        username: str | None = None,
        with_bot: bool = True,
    ) -> None:
        if is_forum:
            type = "supergroup"
        if chat_id is None:
            n = next(_chat_numbers)
            chat_id = -(4_000_000_000 + n) if type == "group" else -(1_002_000_000_000 + n)
        if chat_id not in fake.chats:  # otherwise: a helper for an existing chat
            fake.add_chat(chat_id, type, title, username=username, is_forum=is_forum)
            if not with_bot:  # the bot joins later, e.g. with member.adds_bot()
                fake.set_member_status(chat_id, fake.bot_user["id"], "left")
        super().__init__(fake, chat_id)

    def member(
        self,
        first_name: str,
        *,
        admin: bool = False,
        creator: bool = False,
        lang: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        anonymous: bool = False,
    ) -> Member:
        """Add a new user to this group; admins show up in getChatAdministrators."""
        user = self.fake.add_user(
            first_name, last_name=last_name, username=username, language_code=lang
        )
        return self.join(user, admin=admin, creator=creator, anonymous=anonymous)

    def join(
        self,
        user: dict | Member,
        *,
        admin: bool = False,
        creator: bool = False,
        anonymous: bool = False,
    ) -> Member:
        """Make an existing user (e.g. a member of another group) a member of this one."""
        user = user.user if isinstance(user, Member) else user
        status = "creator" if creator else "administrator" if admin else "member"
        self.fake.set_member_status(self.id, user["id"], status)
        if anonymous:
            self.fake.chats[self.id].anonymous.add(user["id"])
        return Member(self.fake, user, self)

    def anonymous_admin(self, member: Member | None = None) -> Member:
        """Someone posting as the group (``sender_chat`` = group, from GroupAnonymousBot).

        Button presses still come from ``member`` (Telegram reveals who pressed)."""
        return Member(
            self.fake,
            ANONYMOUS_ADMIN,
            self,
            sender_chat=self.chat,
            presser=member.user if member else None,
        )

    def topic(self, name: str) -> int:
        """Create a forum topic; returns its message_thread_id."""
        return self.fake.add_topic(self.id, name)

    def bot_is_admin(self, admin: bool = True) -> None:
        status = "administrator" if admin else "member"
        self.fake.set_member_status(self.id, self.fake.bot_user["id"], status)

    def upgrade(self, new_id: int | None = None) -> Group:
        """Migrate this group to a supergroup (Telegram's service messages included)."""
        new_id = new_id if new_id is not None else -(1_002_000_000_000 + next(_chat_numbers))
        self.fake.migrate_chat(self.id, new_id)
        return Group(self.fake, chat_id=new_id)


class Private(_Chat):
    """The private chat between ``user`` and the bot; ``.user`` is the member who talks."""

    def __init__(self, fake: FakeTelegram, user: dict) -> None:
        fake.add_private_chat(user)
        super().__init__(fake, user["id"])
        self.user = Member(fake, user, self)

    async def sends(self, text: str, **kwargs: Any) -> dict:
        return await self.user.sends(text, **kwargs)


class Member:
    """A user (or anonymous admin) acting in one chat."""

    def __init__(
        self,
        fake: FakeTelegram,
        user: dict,
        chat: _Chat,
        *,
        sender_chat: dict | None = None,
        presser: dict | None = None,
    ) -> None:
        self.fake = fake
        self.user = user
        self.chat = chat
        self.sender_chat = sender_chat
        self._presser = presser or user

    def __repr__(self) -> str:
        return f"<Member {self.user['first_name']} ({self.id}) in {self.chat!r}>"

    @property
    def id(self) -> int:
        return self.user["id"]

    def at(self, chat: _Chat) -> Member:
        """The same person acting in another chat."""
        return Member(self.fake, self.user, chat, sender_chat=self.sender_chat)

    def in_private(self) -> Member:
        """This person in their private chat with the bot (``.chat`` has bot_says etc.)."""
        return Private(self.fake, self.user).user

    async def _push(self, reply_to: Any = None, thread: int | None = None, **fields: Any) -> dict:
        state = self.fake.chats[self.chat.id]
        if thread is not None:
            fields["message_thread_id"] = thread
            if state.chat.get("is_forum"):
                fields["is_topic_message"] = True
                reply_to = reply_to if reply_to is not None else thread
        if reply_to is not None:
            if isinstance(reply_to, BotMessage):
                reply_to = reply_to.message_id
            if isinstance(reply_to, dict):
                reply_to = reply_to["message_id"]
            target = state.live(reply_to)
            if target is None:
                raise AssertionError(f"can't reply to message {reply_to}: not in {self.chat!r}")
            snapshot = target.snapshot()
            snapshot.pop("reply_to_message", None)
            fields["reply_to_message"] = snapshot
        message = self.fake.push_message(
            self.chat.id, self.user, sender_chat=self.sender_chat, **fields
        )
        await asyncio.sleep(0)  # let the bot's long poll see it; not a wall-clock wait
        return message

    async def sends(self, text: str, *, reply_to: Any = None, thread: int | None = None) -> dict:
        """A text message; commands, mentions, hashtags and URLs get their entities."""
        fields: dict = {"text": text}
        if entities := detect_entities(text):
            fields["entities"] = entities
        return await self._push(reply_to, thread, **fields)

    async def replies(self, message: Any, text: str) -> dict:
        """A text message replying to ``message`` (BotMessage, message dict or id)."""
        return await self.sends(text, reply_to=message)

    async def sends_sticker(
        self, emoji: str = "👍", *, thread: int | None = None, reply_to: Any = None
    ) -> dict:
        n = next(_file_numbers)
        sticker = {
            "file_id": f"STICKER-{n}",
            "file_unique_id": f"USTICKER-{n}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self._push(reply_to, thread, sticker=sticker)

    async def sends_photo(self, caption: str | None = None, *, thread: int | None = None) -> dict:
        n = next(_file_numbers)
        photo = [
            {"file_id": f"PHOTO-{n}-{w}", "file_unique_id": f"UPHOTO-{n}-{w}",
             "width": w, "height": w, "file_size": w * 40}
            for w in (90, 320, 800)
        ]  # fmt: skip
        fields: dict = {"photo": photo}
        if caption:
            fields["caption"] = caption
            if entities := detect_entities(caption):
                fields["caption_entities"] = entities
        return await self._push(None, thread, **fields)

    async def sends_document(
        self, file_name: str = "notes.pdf", *, mime_type: str = "application/pdf"
    ) -> dict:
        n = next(_file_numbers)
        document = {
            "file_id": f"DOC-{n}",
            "file_unique_id": f"UDOC-{n}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": 1234,
        }
        return await self._push(document=document)

    async def edits(self, message: dict, text: str) -> dict:
        """Edit an earlier text message of this user (an ``edited_message`` update)."""
        edited = {**message, "text": text, "edit_date": self.fake._now()}
        edited.pop("entities", None)
        if entities := detect_entities(text):
            edited["entities"] = entities
        self.fake.push_update({"edited_message": edited})
        await asyncio.sleep(0)
        return edited

    async def adds_bot(self, *, admin: bool = False) -> None:
        """Add the bot to this group: ``my_chat_member`` plus a ``new_chat_members`` message."""
        bot = dict(self.fake.bot_user)
        await self._bot_membership("administrator" if admin else "member", new_chat_members=[bot])

    async def removes_bot(self) -> None:
        """Kick the bot: ``my_chat_member`` plus a ``left_chat_member`` message."""
        await self._bot_membership("kicked", left_chat_member=dict(self.fake.bot_user))

    async def _bot_membership(self, status: str, **service: Any) -> None:
        state = self.fake.chats[self.chat.id]
        bot_id = self.fake.bot_user["id"]
        old = self.fake._member(state, bot_id)
        self.fake.push_message(self.chat.id, self.user, **service)
        state.members[bot_id] = status
        change = {
            "chat": dict(state.chat),
            "from": dict(self._presser),
            "date": self.fake._now(),
            "old_chat_member": old,
            "new_chat_member": self.fake._member(state, bot_id),
        }
        self.fake.push_update({"my_chat_member": change})
        await asyncio.sleep(0)

    async def presses(self, message: BotMessage, label: str) -> str:
        """Press an inline button of ``message``; returns the callback query id."""
        if message.deleted:
            raise AssertionError(f"{message!r} was deleted; nothing to press")
        data = message.button(label).get("callback_data")
        if data is None:
            raise AssertionError(f"button {label!r} of {message!r} is not a callback button")
        query_id = str(4_000_000_000_000_000_000 + next(_query_numbers))
        query = {
            "id": query_id,
            "from": dict(self._presser),
            "message": message.message,
            "chat_instance": str(abs(message.chat_id) * 7919 % 10**19),
            "data": data,
        }
        self.fake.push_update({"callback_query": query})
        await asyncio.sleep(0)
        return query_id

    async def asks_inline(self, query: str, *, offset: str = "") -> str:
        """Type ``@bot query`` in this chat; returns the inline query id."""
        query_id = str(5_000_000_000_000_000_000 + next(_query_numbers))
        chat_type = self.fake.chats[self.chat.id].type
        inline = {
            "id": query_id,
            "from": dict(self._presser),
            "query": query,
            "offset": offset,
            "chat_type": "sender" if chat_type == "private" else chat_type,
        }
        self.fake.push_update({"inline_query": inline})
        await asyncio.sleep(0)
        return query_id
