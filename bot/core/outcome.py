"""What the domain asks an adapter to show: plain data, no telegram types."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_TEXT = 4096


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data, at most 64 bytes


@dataclass
class Reply:
    text: str  # Telegram HTML; user text in it is escaped
    buttons: list[list[Button]] = field(default_factory=list)
    force_reply: bool = False
    placeholder: str | None = None  # shown in the input field with force_reply
    edit: int | None = None  # edit this message instead of sending a new one
    prompt: tuple[int | None, str] | None = None  # (run id, step): a reply to this answers it
    asks: str = "question"  # what a reply to it gives: question | other | more | a feature's
    ref: int | None = None  # the object a feature's prompt is about (a round, a scan)
    reply_to: int | None = None  # shown as a reply to this message
    file: tuple[str, bytes] | None = None  # (file name, content): a document, or a photo
                                           # when the name ends in .png; text is its caption

    def __post_init__(self) -> None:
        for row in self.buttons:
            for button in row:
                if not 1 <= len(button.data.encode()) <= 64:
                    raise ValueError(f"callback data must be 1-64 bytes: {button.data!r}")


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    toast: str | None = None  # the short answer to a button press
    alert: bool = False

    def say(self, text: str, **kwargs) -> Outcome:
        self.replies.extend(Reply(part, **kwargs) for part in split(text))
        return self

    def first(self, reply: Reply | None) -> Outcome:
        """Put a reply before the others (when there is one)."""
        if reply is not None:
            self.replies.insert(0, reply)
        return self


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji can count as two)."""
    return len(text.encode("utf-16-le")) // 2


def _cut_point(line: str, limit: int) -> int:
    # Find a cut within `limit` UTF-16 units, at a space if one is near, never
    # inside an HTML tag or entity.
    units = cut = 0
    for char in line:
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            break
        cut += 1
    space = line.rfind(" ", 0, cut)
    if space > cut // 2:
        cut = space
    for opener, closer in (("&", ";"), ("<", ">")):
        start = line.rfind(opener, 0, cut)
        if start != -1 and line.find(closer, start) >= cut:
            cut = start
    return max(cut, 1)


def _blocks(text: str) -> list[str]:
    """Items and paragraphs: a block starts at a bullet ("• ") or after an empty line, so
    an item's sub-lines and a multi-line answer stay with their item."""
    blocks: list[list[str]] = []
    previous = None
    for line in text.split("\n"):
        if not blocks or line.startswith("•") or previous == "" or line == "":
            blocks.append([line])
        else:
            blocks[-1].append(line)
        previous = line
    return ["\n".join(block) for block in blocks]


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut a long HTML text into messages within Telegram's limit, between items or
    paragraphs; only an item too long for one message is cut inside, at a line break,
    else at a space.

    Measured on the HTML, which is never shorter than what Telegram counts. Lines are
    kept whole (our lines never leave a tag open across a newline).
    """
    parts: list[str] = []
    current = ""
    for block in _blocks(text):
        candidate = f"{current}\n{block}" if current else block
        if tg_len(candidate) <= limit:
            current = candidate
            continue
        if current.strip():
            parts.append(current)
        if tg_len(block) <= limit:
            current = block
            continue
        pieces = _split_lines(block, limit)
        parts += pieces[:-1]
        current = pieces[-1]
    if current.strip():
        parts.append(current)
    return parts or [text]


def _split_lines(text: str, limit: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while tg_len(line) > limit:
            cut = _cut_point(line, limit)
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if tg_len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return parts or [text]
