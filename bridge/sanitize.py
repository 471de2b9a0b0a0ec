"""WordPress's ``sanitize_text_field``, for the text the bridge stores.

Tags, line breaks, octets and control characters go as WordPress removes them, so a value
written through the bridge reads back the same as one written through wp-admin
(tests compare it with WordPress's own PHP). No database and no request are needed here.
"""

from __future__ import annotations

import re
from html.entities import name2codepoint

_SCRIPT_STYLE = re.compile(r"<(script|style)[^>]*?>.*?</\1>", re.IGNORECASE | re.DOTALL)
_LESS_THAN = re.compile(r"<[^>]*?((?=<)|>|$)")
_AMPERSAND = re.compile(r"&(?:([A-Za-z]{2,8}[0-9]{0,2});|#(0*[0-9]{1,7});|#[Xx](0*[0-9A-Fa-f]{1,6});)?")
_ENTITY_NAMES = frozenset(name2codepoint) | {"apos"}  # kses' $allowedentitynames: HTML 4's names and apos
_BREAKS = re.compile(r"[\r\n\t ]+")
_OCTET = re.compile(r"%[a-f0-9]{2}", re.IGNORECASE)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PHP_TRIM = " \t\n\r\0\x0b"


def _valid_unicode(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _entity(match: re.Match[str]) -> str:
    """One ``&…`` of ``wp_kses_normalize_entities``: known names and valid code points stay
    entities (decimal ones zero-padded to 3 digits), everything else is disarmed to ``&amp;``."""
    name, decimal, hexadecimal = match.groups()
    if name is not None:
        return f"&{name};" if name in _ENTITY_NAMES else f"&amp;{name};"
    if decimal is not None:
        if decimal == "0":
            return ""
        return f"&#{decimal.lstrip('0').rjust(3, '0')};" if _valid_unicode(int(decimal)) else f"&amp;#{decimal};"
    if hexadecimal is not None:
        if hexadecimal == "0":
            return ""
        code = int(hexadecimal, 16)
        return f"&#x{hexadecimal.lstrip('0')};" if _valid_unicode(code) else f"&amp;#x{hexadecimal};"
    return "&amp;"


def _esc_html(text: str) -> str:
    """WordPress's ``esc_html``: entities normalised as kses does, then ``<>"'`` encoded."""
    text = _AMPERSAND.sub(_entity, text)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#039;")


def _end_of_instruction(text: str, i: int) -> int:
    """Where a ``<?…?>`` that PHP's ``strip_tags`` drops ends: at a ``>`` right after ``?`` (the
    opening one counts), unless inside quotes or parentheses."""
    quote, parens = "", 0
    for j in range(i, len(text)):
        char = text[j]
        if char in "\"'" and text[j - 1] != "\\":
            quote = "" if quote == char else quote or char
        elif char in "()" and not quote:
            parens += 1 if char == "(" else -1
        elif char == ">" and not parens and not quote and text[j - 1] == "?":
            return j + 1
    return len(text)


def _strip_tags(text: str) -> str:
    """PHP's ``strip_tags``: tags (quotes inside them respected), comments and ``<?…?>`` go;
    a ``<`` followed by whitespace is text, as PHP keeps it."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char != "<" or (i + 1 < n and text[i + 1] in " \t\n\r\x0b\x0c"):
            out.append(char)
            i += 1
            continue
        if text.startswith("<!--", i):  # a comment ends at the first "-->", even in "<!-->"
            end = text.find("-->", i + 2)
            i = n if end < 0 else end + 3
            continue
        if text.startswith("<?", i):
            i = _end_of_instruction(text, i + 2)
            continue
        depth, quote, i = 1, "", i + 1
        while i < n and depth:
            char = text[i]
            if quote:
                quote = "" if char == quote else quote
            elif char in "\"'":
                quote = char
            elif char == "<":
                depth += 1
            elif char == ">":
                depth -= 1
            i += 1
    return "".join(out)


def sanitize_text(text: str) -> str:
    """WordPress's ``sanitize_text_field``, plus: control characters (NUL
    included) are removed, which PHP only does as a side effect of ``strip_tags``.

    Invalid UTF-8 cannot reach here: the body parsers refuse it, naming the field.
    """
    filtered = _CONTROLS.sub("", text)
    if "<" in filtered:
        filtered = _LESS_THAN.sub(lambda m: m.group(0) if ">" in m.group(0) else _esc_html(m.group(0)), filtered)
        filtered = _strip_tags(_SCRIPT_STYLE.sub("", filtered)).strip(_PHP_TRIM)
        filtered = filtered.replace("<\n", "&lt;\n")
    filtered = _BREAKS.sub(" ", filtered).strip(_PHP_TRIM)
    found = False
    while True:
        match = _OCTET.search(filtered)
        if match is None:
            break
        filtered = filtered.replace(match.group(0), "")
        found = True
    if found:
        filtered = re.sub(r" +", " ", filtered).strip(_PHP_TRIM)
    return filtered
