"""What the fake server remembers about chats and messages."""

from __future__ import annotations

from dataclasses import dataclass, field

ANONYMOUS_ADMIN = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
UPDATE_TYPES = (
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages",
    "message_reaction", "message_reaction_count", "inline_query", "chosen_inline_result",
    "callback_query", "shipping_query", "pre_checkout_query", "purchased_paid_media", "poll",
    "poll_answer", "my_chat_member", "chat_member", "chat_join_request", "chat_boost",
    "removed_chat_boost",
)  # fmt: skip
# what Telegram sends when allowed_updates was never given (or given as an empty list)
DEFAULT_ALLOWED = frozenset(UPDATE_TYPES) - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}
MESSAGE_UPDATES = ("message", "edited_message", "channel_post", "edited_channel_post")
ADMIN_RIGHTS = {
    "can_be_edited": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
    "can_pin_messages": True,
}
RESTRICTED_RIGHTS = {
    "is_member": True,
    "can_change_info": False,
    "can_invite_users": False,
    "can_pin_messages": False,
    "can_send_messages": False,
    "can_send_polls": False,
    "can_send_other_messages": False,
    "can_add_web_page_previews": False,
    "can_manage_topics": False,
    "until_date": 0,
    "can_send_audios": False,
    "can_send_documents": False,
    "can_send_photos": False,
    "can_send_videos": False,
    "can_send_video_notes": False,
    "can_send_voice_notes": False,
    "can_edit_tag": False,
}
MEMBER_STATUSES = {"creator", "administrator", "member", "restricted", "left", "kicked"}


def clone(value):
    """A deep copy of JSON-shaped data (dicts, lists, scalars): what copy.deepcopy does for
    the fake's messages and updates, at a fraction of its cost (no memo, no reduce)."""
    if type(value) is dict:
        return {key: clone(item) for key, item in value.items()}
    if type(value) is list:
        return [clone(item) for item in value]
    return value


def update_kind(update: dict) -> str:
    """``"message"``, ``"callback_query"``, ... : the one field of an update besides its id."""
    return next((k for k in update if k != "update_id"), "")


@dataclass
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass
class StoredMessage:
    message: dict  # the Message object as Telegram returns it (kept up to date on edits)
    by_bot: bool
    source: str | None = None  # text/caption exactly as the bot sent it (e.g. HTML)
    parse_mode: str | None = None
    markup: dict | None = None  # reply_markup as requested (incl. force_reply / keyboards)
    edits: int = 0
    deleted: bool = False

    def snapshot(self) -> dict:
        return clone(self.message)


@dataclass
class ChatState:
    chat: dict  # the Chat object
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    anonymous: set[int] = field(default_factory=set)  # admins posting as the group
    messages: dict[int, StoredMessage] = field(default_factory=dict)  # in sending order
    topics: dict[int, str] = field(default_factory=dict)  # forum topic thread id -> name
    migrated_to: int | None = None
    last_message_id: int = 0

    @property
    def id(self) -> int:
        return self.chat["id"]

    @property
    def type(self) -> str:
        return self.chat["type"]

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id

    def add(self, stored: StoredMessage) -> None:
        message_id = stored.message["message_id"]
        self.last_message_id = max(self.last_message_id, message_id)
        self.messages[message_id] = stored

    def live(self, message_id: object) -> StoredMessage | None:
        stored = self.messages.get(message_id) if isinstance(message_id, int) else None
        return None if stored is None or stored.deleted else stored

    def status(self, user_id: int) -> str:
        return self.members.get(user_id, "left")
