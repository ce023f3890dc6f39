"""Telegram's HTML parse mode, as the Bot API server (tdlib's ``parse_html``) implements it.

``parse_html`` mirrors tdlib's parser closely, including its error messages and the
*byte* offsets (UTF-8) they report. ``format_text`` adds what the server does afterwards:
control characters become spaces, ``\\r`` is dropped, leading/trailing spaces and newlines
are trimmed and whitespace-only entities disappear. Offsets of entities are UTF-16 code units.
"""

from __future__ import annotations

import re
import string

__all__ = [
    "EntityParseError",
    "format_text",
    "html_to_text",
    "parse_html",
    "utf16_len",
]

_TAGS = {
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
    "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
}  # fmt: skip
_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip
_SPACE = " \t\r\n\0\v\f"
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HIDDEN = {"text_link", "text_mention", "custom_emoji"}
# characters the server silently removes from any text
_REMOVED = re.compile("[\r\u2028-\u202e\u030a\u0333\u033f]")


class EntityParseError(ValueError):
    """The text can't be parsed; ``str(err)`` is tdlib's message (without the API prefix)."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def html_to_text(source: str) -> str:
    """Plain text of Telegram-HTML ``source`` (tags removed, entities decoded)."""
    return parse_html(source)[0]


def _decode_entity(s: str, pos: int) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``pos`` like tdlib (the ``;`` is optional); None if it isn't one."""

    def at(k: int) -> str:
        return s[k] if k < len(s) else "\0"

    end = pos + 1
    if at(end) == "#":
        end += 1
        code = 0
        hexa = at(end) == "x"
        if hexa:
            end += 1
        digits = string.hexdigits if hexa else string.digits
        while at(end) != "\0" and at(end) in digits:
            code = code * (16 if hexa else 10) + int(at(end), 16)
            end += 1
            if code >= 0x10FFFF:
                return None
        if code == 0 or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while at(end).isascii() and at(end).isalpha():
            end += 1
        char = _NAMED.get(s[pos + 1 : end])
        if char is None:
            return None
    if at(end) == ";":
        end += 1
    return char, end


def _checked_link(url: str) -> str | None:
    url = url.strip()
    if not url:
        return None
    if "://" not in url and not url.startswith(("tg:", "mailto:")):
        url = "http://" + url
    scheme = url.split(":", 1)[0].lower()
    return url if scheme in {"http", "https", "tg", "ton", "ftp", "mailto"} else None


def parse_html(source: str) -> tuple[str, list[dict]]:
    """Parse Telegram-HTML into ``(text, entities)`` or raise :class:`EntityParseError`."""
    s, n = source, len(source)

    def at(k: int) -> str:
        return s[k] if k < n else "\0"

    def fail(message: str, pos: int | None = None) -> EntityParseError:
        if pos is not None:
            message = message.replace("{at}", f"at byte offset {_byte_offset(s, pos)}")
        return EntityParseError(message)

    out: list[str] = []
    u16 = 0
    entities: list[dict] = []
    stack: list[tuple[str, str, int, int]] = []  # tag, argument, utf16 offset, index in out
    i = 0
    while i < n:
        c = s[i]
        if c == "&" and (decoded := _decode_entity(s, i)) is not None:
            out.append(decoded[0])
            u16 += utf16_len(decoded[0])
            i = decoded[1]
            continue
        if c != "<":
            out.append(c)
            u16 += 2 if ord(c) > 0xFFFF else 1  # utf16_len of one character
            i += 1
            continue
        begin = i
        i += 1
        if at(i) != "/":  # a start tag
            while at(i) not in _SPACE and at(i) != ">":
                i += 1
            if i >= n:
                raise fail("Unclosed start tag {at}", begin)
            tag = s[begin + 1 : i].lower()
            if tag not in _TAGS:
                raise fail(f'Unsupported start tag "{tag}" {{at}}', begin)
            argument = ""
            while at(i) != ">":
                while i < n and at(i) in _SPACE:
                    i += 1
                if at(i) == ">":
                    break
                name_begin = i
                while at(i) not in _SPACE and at(i) not in "=>":
                    i += 1
                name = s[name_begin:i]
                if not name:
                    raise fail(f'Empty attribute name in the tag "{tag}" {{at}}', begin)
                while i < n and at(i) in _SPACE:
                    i += 1
                if at(i) != "=":
                    if tag == "blockquote" and name.lower() == "expandable":
                        argument = "expandable"
                        continue
                    raise fail(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" {{at}}',
                        begin,
                    )
                i += 1
                while i < n and at(i) in _SPACE:
                    i += 1
                if i >= n:
                    raise fail(f'Unclosed start tag "{tag}" {{at}}', begin)
                if at(i) not in "'\"":
                    token_begin = i
                    while at(i).isascii() and (at(i).isalnum() or at(i) in ".-"):
                        i += 1
                    value = s[token_begin:i].lower()
                    if at(i) not in _SPACE and at(i) != ">":
                        raise fail("Unexpected end of name token {at}", token_begin)
                else:
                    quote = s[i]
                    i += 1
                    chars = []
                    while i < n and s[i] != quote:
                        if s[i] == "&" and (decoded := _decode_entity(s, i)) is not None:
                            chars.append(decoded[0])
                            i = decoded[1]
                            continue
                        chars.append(s[i])
                        i += 1
                    value = "".join(chars)
                    if at(i) == quote:
                        i += 1
                if i >= n:
                    raise fail("Unclosed start tag {at}", begin)
                if tag == "a" and name == "href":
                    argument = value
                elif tag == "code" and name == "class" and value.startswith("language-"):
                    argument = value[9:]
                elif tag == "span" and name == "class" and value.startswith("tg-"):
                    argument = value[3:]
                elif tag == "tg-emoji" and name == "emoji-id":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise fail('Tag "span" must have class "tg-spoiler" {at}', begin)
            stack.append((tag, argument, u16, len(out)))
        else:  # an end tag
            if not stack:
                raise fail("Unexpected end tag {at}", begin)
            while at(i) not in _SPACE and at(i) != ">":
                i += 1
            end_name = s[begin + 2 : i].lower()
            while i < n and at(i) in _SPACE:
                i += 1
            if at(i) != ">":
                raise fail("Unclosed end tag {at}", begin)
            tag, argument, offset, out_index = stack.pop()
            if end_name and end_name != tag:
                raise fail(
                    f'Unmatched end tag {{at}}, expected "</{tag}>", found "</{end_name}>"', begin
                )
            if u16 > offset:
                _add_entity(entities, tag, argument, offset, u16 - offset, "".join(out[out_index:]))
        i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    text = "".join(out)
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise EntityParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        )
    for e in entities:
        if e["type"] == "code":
            e.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return text, entities


def _byte_offset(s: str, index: int) -> int:
    return len(s[:index].encode("utf-8", "surrogatepass"))


def _add_entity(
    entities: list[dict], tag: str, argument: str, offset: int, length: int, inner: str
) -> None:
    entity: dict = {"offset": offset, "length": length}
    last = entities[-1] if entities else None
    same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
    if tag in _SIMPLE:
        entity["type"] = _SIMPLE[tag]
    elif tag == "blockquote":
        entity["type"] = "expandable_blockquote" if argument else "blockquote"
    elif tag == "tg-emoji":
        if not argument.isdigit() or int(argument) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entity.update(type="custom_emoji", custom_emoji_id=argument)
    elif tag == "a":
        url = argument or inner
        match = re.fullmatch(r"tg://user\?id=(\d+)", url)
        if match:
            entity.update(type="text_mention", user={"id": int(match[1])})
        elif (checked := _checked_link(url)) is None:
            return  # like Telegram: an unusable link is silently dropped
        else:
            entity.update(type="text_link", url=checked)
    elif tag == "pre":
        if same_span and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
            return
        entity["type"] = "pre"
    else:  # code
        if same_span and last["type"] == "pre" and argument:
            last["language"] = argument
            return
        entity["type"] = "code"
        if argument:
            entity["language"] = argument  # dropped at the end unless a <pre> wraps it
    entities.append(entity)


def format_text(
    text: str, parse_mode: str | None = None, entities: list[dict] | None = None
) -> tuple[str, list[dict]]:
    """What the server stores for ``text``: ``(plain_text, entities)``.

    Raises :class:`EntityParseError` for bad HTML and ``ValueError("unsupported parse_mode")``
    for other parse modes. The result may be empty: the caller decides whether that's allowed.
    """
    if parse_mode:
        if parse_mode.lower() != "html":
            raise ValueError(f"unsupported parse_mode {parse_mode!r}")
        text, entities = parse_html(text)
    else:
        entities = [dict(e) for e in entities or []]
    return _clean(text, entities)


def _clean(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    # map every UTF-16 position of the original text to its position in the cleaned text
    new_pos = [0]
    out: list[str] = []
    u16 = 0
    for ch in text:
        code = ord(ch)
        width = 2 if code > 0xFFFF else 1  # utf16_len of one character
        if code < 0x80 and code != 13:  # ASCII: only control characters change (cheap path)
            out.append(" " if code < 32 and ch != "\n" else ch)
            u16 += 1
        elif not _REMOVED.match(ch):
            if code < 32 and ch != "\n":
                ch = " "
            out.append(ch)
            u16 += width
        new_pos.extend([u16] * width)
    text = "".join(out)
    last = len(new_pos) - 1
    units = text.encode("utf-16-le", "surrogatepass")

    def unit(k: int) -> str:
        return units[2 * k : 2 * k + 2].decode("utf-16-le", "surrogatepass")

    cleaned = []
    for e in entities:
        start = new_pos[min(e["offset"], last)]
        end = new_pos[min(e["offset"] + e["length"], last)]
        if e["type"] not in _HIDDEN:
            while start < end and unit(start) in " \n":
                start += 1
            if all(unit(k) in " \n" for k in range(start, end)):
                continue
        if end > start:
            cleaned.append({**e, "offset": start, "length": end - start})
    stripped = text.rstrip(" \n")
    size = utf16_len(stripped)
    for e in cleaned:
        e["length"] = min(e["length"], size - e["offset"])
    cleaned = [e for e in cleaned if e["length"] > 0]
    first = min((e["offset"] for e in cleaned), default=size)
    lead = 0
    while lead < first and unit(lead) in " \n":
        lead += 1
    for e in cleaned:
        e["offset"] -= lead
    return units[2 * lead : 2 * size].decode("utf-16-le", "surrogatepass"), cleaned
