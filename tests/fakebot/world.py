"""Arranging the fake's world: users, chats, memberships, and the updates users cause.

A mixin of :class:`fakebot.server.FakeTelegram`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .state import (
    MEMBER_STATUSES,
    MESSAGE_UPDATES,
    ChatState,
    StoredMessage,
    clone,
    update_kind,
)
from .validate import bad_request, forbidden

if TYPE_CHECKING:
    from .server import FakeTelegram

    _Base = FakeTelegram
else:
    _Base = object

_CHAT_KIND = {"group": "group chat", "supergroup": "supergroup chat", "channel": "channel chat"}


class World(_Base):
    """Users, chats and memberships; updates caused by users."""

    # ---- arranging the world ---------------------------------------------------------------

    def add_user(
        self,
        first_name: str = "User",
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        is_bot: bool = False,
    ) -> dict:
        user_id = user_id if user_id is not None else 700_000_000 + next(self._ids)
        user: dict = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        user.update({k: v for k, v in optional.items() if v is not None})
        self.users[user_id] = user
        return user

    def add_chat(
        self,
        chat_id: int,
        type: str = "group",
        title: str | None = None,
        *,
        username: str | None = None,
        is_forum: bool = False,
    ) -> dict:
        """A group, supergroup or channel with the bot in it (see also add_private_chat)."""
        if type == "private":
            user = self.users.get(chat_id) or self.add_user(user_id=chat_id)
            return self.add_private_chat(user)
        chat: dict = {"id": chat_id, "type": type, "title": title or f"Chat {chat_id}"}
        if username:
            chat["username"] = username
        if is_forum:
            chat["is_forum"] = True
        state = ChatState(chat)
        bot_status = "administrator" if type == "channel" else "member"
        state.members[self.bot_user["id"]] = bot_status
        self.chats[chat_id] = state
        return chat

    def add_private_chat(self, user: dict) -> dict:
        self.users.setdefault(user["id"], user)
        if user["id"] not in self.chats:
            chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
            chat.update({k: user[k] for k in ("last_name", "username") if k in user})
            self.chats[user["id"]] = ChatState(chat)
        return self.chats[user["id"]].chat

    def private_chat(self, user: dict | Any) -> Any:
        """A conversation helper (:class:`fakebot.conversation.Private`) for ``user``."""
        from .conversation import Private

        return Private(self, getattr(user, "user", user))

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        self.chats[chat_id].members[user_id] = status

    def set_admins(
        self,
        chat_id: int,
        user_ids: Iterable[int],
        *,
        creator: int | None = None,
        anonymous: Iterable[int] = (),
    ) -> None:
        """Make exactly ``user_ids`` (plus ``creator``) the admins; the bot may be one of them."""
        state = self.chats[chat_id]
        for uid, status in state.members.items():
            if status in {"administrator", "creator"}:
                state.members[uid] = "member"
        for uid in user_ids:
            state.members[uid] = "administrator"
        if creator is not None:
            state.members[creator] = "creator"
        state.anonymous = set(anonymous)

    def kick_bot(self, chat_id: int) -> None:
        self.set_member_status(chat_id, self.bot_user["id"], "kicked")

    def unkick_bot(self, chat_id: int) -> None:
        self.set_member_status(chat_id, self.bot_user["id"], "member")

    def block_bot(self, user_id: int) -> None:
        self.blocked.add(user_id)

    def unblock_bot(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def migrate_chat(self, old_id: int, new_id: int, *, notify: bool = True) -> dict:
        """Upgrade group ``old_id`` to supergroup ``new_id`` like Telegram does."""
        old = self.chats[old_id]
        chat = self.add_chat(new_id, "supergroup", old.chat["title"])
        new = self.chats[new_id]
        new.members.update(old.members)
        new.anonymous = set(old.anonymous)
        if notify:
            by = next((u for u, s in old.members.items() if s == "creator"), None)
            sender = self.users.get(by) if by is not None else None
            self.push_message(old_id, sender, migrate_to_chat_id=new_id)
            self.push_message(new_id, None, sender_chat=chat, migrate_from_chat_id=old_id)
        old.migrated_to = new_id
        return chat

    def add_topic(self, chat_id: int, name: str, *, by: dict | None = None) -> int:
        """Create a forum topic; returns its message_thread_id."""
        state = self.chats[chat_id]
        thread = state.last_message_id + 1
        self.push_message(
            chat_id,
            by,
            push=by is not None,
            message_thread_id=thread,
            is_topic_message=True,
            forum_topic_created={"name": name, "icon_color": 7322096},
        )
        state.topics[thread] = name
        return thread

    # ---- updates ---------------------------------------------------------------------------

    def push_update(self, update: dict) -> int:
        """Queue an update for getUpdates (wakes long polls); returns its update_id."""
        update = clone(update)
        update.setdefault("update_id", self._next_update_id)
        self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
        kind = update_kind(update)
        if kind in MESSAGE_UPDATES:
            self._remember(update[kind], edited=kind.startswith("edited"))
        if kind in self._open_queries:
            self._open_queries[kind].add(str(update[kind]["id"]))
        self._updates.append(update)
        self._notify()
        return update["update_id"]

    def push_message(
        self,
        chat_id: int,
        sender: dict | None,
        text: str | None = None,
        *,
        sender_chat: dict | None = None,
        push: bool = True,
        **fields: Any,
    ) -> dict:
        """Build a message from ``sender`` like Telegram would and (by default) push it."""
        state = self.chats[chat_id]
        message: dict = {"message_id": state.next_message_id()}
        if sender is not None:
            message["from"] = dict(sender)
        if sender_chat is not None:
            message["sender_chat"] = dict(sender_chat)
        message.update(chat=dict(state.chat), date=self._now())
        if text is not None:
            message["text"] = text
        message.update(fields)
        if push:
            self.push_update({"message": message})
        else:
            self._remember(message)
        return message

    def _remember(self, message: dict, *, edited: bool = False) -> None:
        state = self.chats.get(message["chat"]["id"])
        if state is None:
            self.chats[message["chat"]["id"]] = state = ChatState(dict(message["chat"]))
            if state.type != "private":
                state.members[self.bot_user["id"]] = "member"
        if "message_id" not in message:
            message["message_id"] = state.next_message_id()
        message.setdefault("date", self._now())
        sender = None if "sender_chat" in message else message.get("from", {}).get("id")
        if sender is not None and state.type != "private" and not edited:
            if state.status(sender) in {"left", "kicked"} and not message.get("left_chat_member"):
                state.members[sender] = "member"
        for user in message.get("new_chat_members", []):
            state.members[user["id"]] = "member"
            self.users.setdefault(user["id"], user)
        if gone := message.get("left_chat_member"):
            state.members[gone["id"]] = "left"
        if edited and (stored := state.live(message["message_id"])):
            stored.message = clone(message)
        else:
            state.add(StoredMessage(clone(message), by_bot=False))

    @property
    def confirmed_offset(self) -> int:
        """The highest offset the bot passed to getUpdates (0 if none yet)."""
        return self._confirmed

    @property
    def pending_updates(self) -> list[dict]:
        """Updates not yet confirmed by the bot."""
        return clone(self._updates)

    def _chat(self, chat_id: Any, *, write: bool = False) -> ChatState:
        """The chat a method is about, checked the way Telegram checks it."""
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            wanted = chat_id.removeprefix("@").lower()
            found = [s for s in self.chats.values() if s.chat.get("username", "").lower() == wanted]
            if not chat_id.startswith("@") or not found:
                raise bad_request("chat not found")
            chat_id = found[0].id
        state = self.chats.get(chat_id)
        if state is None:
            if write and chat_id in self.users:
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        if state.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat", migrate_to_chat_id=state.migrated_to
            )
        if state.type == "private":
            if write and state.id in self.blocked:
                raise forbidden("bot was blocked by the user")
        elif (status := state.status(self.bot_user["id"])) in {"kicked", "left"}:
            verb = "was kicked from" if status == "kicked" else "is not a member of"
            raise forbidden(f"bot {verb} the {_CHAT_KIND[state.type]}")
        return state
