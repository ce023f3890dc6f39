"""The Bot API methods of the fake server (``_api_<lowercased method name>``).

A mixin of :class:`fakebot.server.FakeTelegram`; each method gets the parsed parameters and
returns the ``result`` or raises :class:`ApiError` with Telegram's description.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .html import utf16_len
from .state import ADMIN_RIGHTS, RESTRICTED_RIGHTS, ChatState, StoredMessage, UploadedFile
from .validate import (
    CALLBACK_ANSWER_LIMIT,
    bad_request,
    check_commands,
    check_inline_keyboard,
    check_inline_results,
    check_language_code,
    check_reply_markup,
    check_scope,
    rich_text,
)

if TYPE_CHECKING:
    from .server import FakeTelegram

    _Base = FakeTelegram
else:
    _Base = object

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
}  # fmt: skip
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


def _with_text(message: dict, key: str, text: str, entities: list[dict]) -> None:
    """Set text (or caption) and its entities on a message."""
    message[key] = text
    message.pop(f"{key}_entities" if key == "caption" else "entities", None)
    if entities:
        message[f"{key}_entities" if key == "caption" else "entities"] = entities


class ApiMethods(_Base):
    def _rich_text(self, text: Any, parse_mode: Any, entities: Any, **kw: Any) -> tuple:
        """rich_text plus Telegram's handling of mentions by id: known users only."""
        plain, parsed = rich_text(text, parse_mode, entities, **kw)
        for entity in parsed:
            if entity["type"] == "text_mention":
                entity["user"] = self.users.get(entity["user"]["id"])
        return plain, [e for e in parsed if e["type"] != "text_mention" or e["user"]]

    # ---- bot & webhook -------------------------------------------------------------------

    def _api_getme(self, p: dict) -> dict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_setwebhook(self, p: dict) -> bool:
        url = str(p.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {k: v for k, v in p.items() if not isinstance(v, UploadedFile)}
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_deletewebhook(self, p: dict) -> bool:
        self.webhook = {}
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_getwebhookinfo(self, p: dict) -> dict:
        info: dict = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if info["url"]:
            info["max_connections"] = self.webhook.get("max_connections", 40)
            if self.webhook.get("allowed_updates") is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    def _api_close(self, p: dict) -> bool:
        return True

    def _api_logout(self, p: dict) -> bool:
        return True

    # ---- sending ---------------------------------------------------------------------------

    def _api_sendmessage(self, p: dict) -> dict:
        state = self._chat(p.get("chat_id"), write=True)
        text, entities = self._rich_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        markup = check_reply_markup(p.get("reply_markup"))
        content: dict = {}
        _with_text(content, "text", text, entities)
        if p.get("link_preview_options"):
            content["link_preview_options"] = p["link_preview_options"]
        return self._send(state, p, content, markup, p.get("text"))

    def _api_senddocument(self, p: dict) -> dict:
        return self._send_media(p, "document")

    def _api_sendphoto(self, p: dict) -> dict:
        return self._send_media(p, "photo")

    def _send_media(self, p: dict, kind: str) -> dict:
        state = self._chat(p.get("chat_id"), write=True)
        caption, entities = self._rich_text(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
        markup = check_reply_markup(p.get("reply_markup"))
        file_id, upload = self._file(p.get(kind), kind)
        unique = f"U{file_id}"
        if kind == "photo":
            media: Any = [
                {"file_id": file_id, "file_unique_id": unique, "width": w, "height": h,
                 "file_size": len(upload.data)}
                for w, h in ((90, 90), (320, 320))
            ]  # fmt: skip
        else:
            media = {
                "file_id": file_id,
                "file_unique_id": unique,
                "file_name": upload.filename,
                "mime_type": upload.content_type,
                "file_size": len(upload.data),
            }
        content: dict = {kind: media}
        if caption:
            _with_text(content, "caption", caption, entities)
        return self._send(state, p, content, markup, p.get("caption"))

    def _file(self, value: Any, kind: str) -> tuple[str, UploadedFile]:
        if isinstance(value, str) and value.startswith("attach://"):
            value = self._attachments.get(value[len("attach://") :])
        if isinstance(value, UploadedFile):
            if not value.data:
                raise bad_request("file must be non-empty")
            if kind == "photo" and not value.data.startswith(
                (b"\x89PNG", b"\xff\xd8", b"GIF8", b"RIFF")
            ):
                raise bad_request("IMAGE_PROCESS_FAILED")
            self._file_seq += 1
            file_id = f"{kind.upper()}-{self._file_seq}"
            self.files[file_id] = value
            return file_id, value
        if isinstance(value, str) and value in self.files:
            return value, self.files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            return self._file(UploadedFile(name, "application/octet-stream", b"url"), kind)
        if value is None:
            raise bad_request(f"there is no {kind} in the request")
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _send(
        self, state: ChatState, p: dict, content: dict, markup: dict | None, source: Any
    ) -> dict:
        """Store a new message of the bot in ``state`` and return it as Telegram would."""
        thread = p.get("message_thread_id")
        reply = self._reply_target(state, p)
        forum = bool(state.chat.get("is_forum"))
        if thread is not None and (
            thread not in state.topics if forum else state.live(thread) is None
        ):
            raise bad_request("message thread not found")
        self._throttle(state.id)
        message: dict = {"message_id": state.next_message_id()}
        if state.type == "channel":
            message["sender_chat"] = dict(state.chat)
        else:
            message["from"] = dict(self.bot_user)
        message.update(chat=dict(state.chat), date=self._now())
        if thread is not None:
            message["message_thread_id"] = thread
            if forum:
                message["is_topic_message"] = True
                reply = reply or (state.messages[thread].snapshot(), None)
        if reply is not None:
            message["reply_to_message"] = reply[0]
            if reply[1]:
                message["quote"] = reply[1]
        message.update(content)
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        stored = StoredMessage(
            message, by_bot=True, source=source, parse_mode=p.get("parse_mode"), markup=markup
        )
        state.add(stored)
        self.sent.append(stored.snapshot())
        return stored.snapshot()

    def _reply_target(self, state: ChatState, p: dict) -> tuple[dict, dict | None] | None:
        params = p.get("reply_parameters")
        if params is None and p.get("reply_to_message_id") is not None:
            params = {"message_id": p["reply_to_message_id"]}
        if params is None:
            return None
        if not isinstance(params, dict) or "message_id" not in params:
            raise bad_request("can't parse reply parameters JSON object")
        if params.get("chat_id") not in (None, state.id):
            raise bad_request("replies to other chats are not supported by the fake")
        target = state.live(params["message_id"])
        if target is None:
            if params.get("allow_sending_without_reply") or p.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        snapshot = target.snapshot()
        snapshot.pop("reply_to_message", None)
        quote = None
        if params.get("quote"):
            text = target.message.get("text", target.message.get("caption", ""))
            position = text.find(params["quote"])
            if position < 0:
                raise bad_request("QUOTE_TEXT_INVALID")
            quote = {"text": params["quote"], "position": utf16_len(text[:position])}
        return snapshot, quote

    def _api_sendchataction(self, p: dict) -> bool:
        state = self._chat(p.get("chat_id"), write=True)
        if p.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((state.id, p["action"]))
        return True

    # ---- editing & deleting ----------------------------------------------------------------

    def _editable(self, p: dict, need: str = "") -> tuple[ChatState, StoredMessage] | None:
        """The message an edit method targets; None for messages sent via inline mode."""
        if p.get("inline_message_id"):
            return None
        state = self._chat(p.get("chat_id"), write=True)
        stored = state.live(p.get("message_id"))
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.by_bot:
            raise bad_request("message can't be edited")
        if need == "text" and "text" not in stored.message:
            raise bad_request("there is no text in the message to edit")
        if need == "caption" and "text" in stored.message:
            raise bad_request("there is no caption in the message to edit")
        return state, stored

    def _edit_markup(self, p: dict) -> dict | None:
        markup = p.get("reply_markup")
        if markup is not None:
            if not isinstance(markup, dict) or "inline_keyboard" not in markup:
                raise bad_request("inline keyboard expected")
            check_inline_keyboard(markup)
        return markup

    def _api_editmessagetext(self, p: dict) -> dict | bool:
        target = self._editable(p, need="text")
        text, entities = self._rich_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        markup = self._edit_markup(p)
        if target is None:
            return self._inline_edit(p)
        return self._apply_edit(*target, p, "text", text, entities, markup)

    def _api_editmessagecaption(self, p: dict) -> dict | bool:
        target = self._editable(p, need="caption")
        caption, entities = self._rich_text(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
        markup = self._edit_markup(p)
        if target is None:
            return self._inline_edit(p)
        return self._apply_edit(*target, p, "caption", caption, entities, markup)

    def _api_editmessagereplymarkup(self, p: dict) -> dict | bool:
        target = self._editable(p)
        markup = self._edit_markup(p)
        if target is None:
            return self._inline_edit(p)
        state, stored = target
        self._throttle(state.id)
        if stored.message.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED)
        self._finish_edit(stored, markup)
        return stored.snapshot()

    def _apply_edit(
        self,
        state: ChatState,
        stored: StoredMessage,
        p: dict,
        key: str,
        text: str,
        entities: list[dict],
        markup: dict | None,
    ) -> dict:
        message = stored.message
        entity_key = "caption_entities" if key == "caption" else "entities"
        before = (message.get(key, ""), message.get(entity_key, []), message.get("reply_markup"))
        if before == (text, entities, markup):
            raise bad_request(NOT_MODIFIED)
        self._throttle(state.id)
        if text or key == "text":
            _with_text(message, key, text, entities)
        else:
            message.pop(key, None)
            message.pop(entity_key, None)
        stored.source, stored.parse_mode = p.get(key), p.get("parse_mode")
        self._finish_edit(stored, markup)
        return stored.snapshot()

    def _finish_edit(self, stored: StoredMessage, markup: dict | None) -> None:
        stored.message.pop("reply_markup", None)  # like Telegram: no markup given = removed
        if markup is not None:
            stored.message["reply_markup"] = markup
        stored.markup = markup
        stored.message["edit_date"] = self._now()
        stored.edits += 1
        self.sent.append(stored.snapshot())

    def _inline_edit(self, p: dict) -> bool:
        self.inline_edits.append(dict(p))
        return True

    def _api_deletemessage(self, p: dict) -> bool:
        state = self._chat(p.get("chat_id"))
        stored = state.live(p.get("message_id"))
        if stored is None:
            raise bad_request("message to delete not found")
        bot_admin = state.status(self.bot_user["id"]) in {"administrator", "creator"}
        if not (stored.by_bot or state.type == "private" or bot_admin):
            raise bad_request("message can't be deleted")
        stored.deleted = True
        self.deleted.append((state.id, stored.message["message_id"]))
        return True

    # ---- queries -----------------------------------------------------------------------------

    def _api_answercallbackquery(self, p: dict) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        if query_id not in self._open_queries.get("callback_query", set()):
            raise bad_request(QUERY_INVALID)
        if len(str(p.get("text") or "")) > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_queries["callback_query"].discard(query_id)
        self.callback_answers[query_id] = dict(p)
        return True

    def _api_answerinlinequery(self, p: dict) -> bool:
        query_id = str(p.get("inline_query_id") or "")
        if query_id not in self._open_queries.get("inline_query", set()):
            raise bad_request(QUERY_INVALID)
        check_inline_results(p.get("results"))
        if len(str(p.get("next_offset") or "").encode()) > 64:  # Bot API: at most 64 bytes
            raise bad_request("NEXT_OFFSET_INVALID")
        self._open_queries["inline_query"].discard(query_id)
        self.inline_answers[query_id] = dict(p)
        return True

    # ---- commands ------------------------------------------------------------------------

    def _commands_key(self, p: dict) -> tuple[str, str]:
        scope = check_scope(p.get("scope"))
        if "chat_id" in scope:
            self._chat(scope["chat_id"])
        return json.dumps(scope, sort_keys=True), check_language_code(p.get("language_code"))

    def _api_setmycommands(self, p: dict) -> bool:
        commands = check_commands(p.get("commands"))
        key = self._commands_key(p)
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        return True

    def _api_getmycommands(self, p: dict) -> list[dict]:
        return list(self.commands.get(self._commands_key(p), []))

    def _api_deletemycommands(self, p: dict) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    # ---- chats & members -----------------------------------------------------------------

    def _api_getchat(self, p: dict) -> dict:
        state = self._chat(p.get("chat_id"))
        info = {
            **state.chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
        if state.type != "private":
            info["permissions"] = {"can_send_messages": True}
        return info

    def _member(self, state: ChatState, user_id: int) -> dict:
        user = self.bot_user if user_id == self.bot_user["id"] else self.users[user_id]
        status = "member" if state.type == "private" else state.status(user_id)
        member: dict = {"status": status, "user": dict(user)}
        if status == "creator":
            member["is_anonymous"] = user_id in state.anonymous
        elif status == "administrator":
            member.update(ADMIN_RIGHTS, is_anonymous=user_id in state.anonymous)
        elif status == "restricted":
            member.update(RESTRICTED_RIGHTS)
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _api_getchatmember(self, p: dict) -> dict:
        state = self._chat(p.get("chat_id"))
        user_id = p.get("user_id")
        if user_id not in self.users and user_id != self.bot_user["id"]:
            raise bad_request("PARTICIPANT_ID_INVALID")
        if state.type == "private" and user_id not in (state.id, self.bot_user["id"]):
            raise bad_request("user not found")
        return self._member(state, user_id)

    def _api_getchatadministrators(self, p: dict) -> list[dict]:
        state = self._chat(p.get("chat_id"))
        if state.type == "private":
            raise bad_request("there are no administrators in the private chat")
        order = {"creator": 0, "administrator": 1}
        admins = [uid for uid, status in state.members.items() if status in order]
        admins.sort(key=lambda uid: order[state.members[uid]])
        return [self._member(state, uid) for uid in admins]

    def _api_getchatmembercount(self, p: dict) -> int:
        state = self._chat(p.get("chat_id"))
        if state.type == "private":
            return 2
        gone = {"left", "kicked"}
        return sum(1 for status in state.members.values() if status not in gone)

    def _api_leavechat(self, p: dict) -> bool:
        state = self._chat(p.get("chat_id"))
        if state.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        state.members[self.bot_user["id"]] = "left"
        return True
