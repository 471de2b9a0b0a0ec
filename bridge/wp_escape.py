"""WordPress's ``esc_html``/``esc_attr`` (6.1), so HTML the bridge builds is byte for byte what PHP builds.

``esc_html`` is ``_wp_specialchars($text, ENT_QUOTES)`` without double encoding: every ``&`` is
first disarmed, then the entities ``wp_kses_normalize_entities`` accepts (the named ones of
``$allowedentitynames``, numeric ones of valid code points, normalised) are given back, and
PHP's ``htmlspecialchars`` encodes ``< > " '`` and the ``&`` of anything that is not an entity.
Test vectors computed by PHP with WordPress's own functions: ``tests/vectors/esc_html.json``.
"""

from __future__ import annotations

import re

# $allowedentitynames of wp-includes/kses.php: HTML 4's entity names, plus apos.
ALLOWED_ENTITY_NAMES = frozenset(
    (
        "AElig",
        "Aacute",
        "Acirc",
        "Agrave",
        "Alpha",
        "Aring",
        "Atilde",
        "Auml",
        "Beta",
        "Ccedil",
        "Chi",
        "Dagger",
        "Delta",
        "ETH",
        "Eacute",
        "Ecirc",
        "Egrave",
        "Epsilon",
        "Eta",
        "Euml",
        "Gamma",
        "Iacute",
        "Icirc",
        "Igrave",
        "Iota",
        "Iuml",
        "Kappa",
        "Lambda",
        "Mu",
        "Ntilde",
        "Nu",
        "OElig",
        "Oacute",
        "Ocirc",
        "Ograve",
        "Omega",
        "Omicron",
        "Oslash",
        "Otilde",
        "Ouml",
        "Phi",
        "Pi",
        "Prime",
        "Psi",
        "Rho",
        "Scaron",
        "Sigma",
        "THORN",
        "Tau",
        "Theta",
        "Uacute",
        "Ucirc",
        "Ugrave",
        "Upsilon",
        "Uuml",
        "Xi",
        "Yacute",
        "Yuml",
        "Zeta",
        "aacute",
        "acirc",
        "acute",
        "aelig",
        "agrave",
        "alefsym",
        "alpha",
        "amp",
        "and",
        "ang",
        "apos",
        "aring",
        "asymp",
        "atilde",
        "auml",
        "bdquo",
        "beta",
        "brvbar",
        "bull",
        "cap",
        "ccedil",
        "cedil",
        "cent",
        "chi",
        "circ",
        "clubs",
        "cong",
        "copy",
        "crarr",
        "cup",
        "curren",
        "dArr",
        "dagger",
        "darr",
        "deg",
        "delta",
        "diams",
        "divide",
        "eacute",
        "ecirc",
        "egrave",
        "empty",
        "emsp",
        "ensp",
        "epsilon",
        "equiv",
        "eta",
        "eth",
        "euml",
        "euro",
        "exist",
        "fnof",
        "forall",
        "frac12",
        "frac14",
        "frac34",
        "frasl",
        "gamma",
        "ge",
        "gt",
        "hArr",
        "harr",
        "hearts",
        "hellip",
        "iacute",
        "icirc",
        "iexcl",
        "igrave",
        "image",
        "infin",
        "int",
        "iota",
        "iquest",
        "isin",
        "iuml",
        "kappa",
        "lArr",
        "lambda",
        "lang",
        "laquo",
        "larr",
        "lceil",
        "ldquo",
        "le",
        "lfloor",
        "lowast",
        "loz",
        "lrm",
        "lsaquo",
        "lsquo",
        "lt",
        "macr",
        "mdash",
        "micro",
        "middot",
        "minus",
        "mu",
        "nabla",
        "nbsp",
        "ndash",
        "ne",
        "ni",
        "not",
        "notin",
        "nsub",
        "ntilde",
        "nu",
        "oacute",
        "ocirc",
        "oelig",
        "ograve",
        "oline",
        "omega",
        "omicron",
        "oplus",
        "or",
        "ordf",
        "ordm",
        "oslash",
        "otilde",
        "otimes",
        "ouml",
        "para",
        "part",
        "permil",
        "perp",
        "phi",
        "pi",
        "piv",
        "plusmn",
        "pound",
        "prime",
        "prod",
        "prop",
        "psi",
        "quot",
        "rArr",
        "radic",
        "rang",
        "raquo",
        "rarr",
        "rceil",
        "rdquo",
        "real",
        "reg",
        "rfloor",
        "rho",
        "rlm",
        "rsaquo",
        "rsquo",
        "sbquo",
        "scaron",
        "sdot",
        "sect",
        "shy",
        "sigma",
        "sigmaf",
        "sim",
        "spades",
        "sub",
        "sube",
        "sum",
        "sup",
        "sup1",
        "sup2",
        "sup3",
        "supe",
        "szlig",
        "tau",
        "there4",
        "theta",
        "thetasym",
        "thinsp",
        "thorn",
        "tilde",
        "times",
        "trade",
        "uArr",
        "uacute",
        "uarr",
        "ucirc",
        "ugrave",
        "uml",
        "upsih",
        "upsilon",
        "uuml",
        "weierp",
        "xi",
        "yacute",
        "yen",
        "yuml",
        "zeta",
        "zwj",
        "zwnj",
    )
)

_SPECIAL = re.compile(r"[&<>\"']")
_NAMED = re.compile(r"&amp;([A-Za-z]{2,8}[0-9]{0,2});")
_DECIMAL = re.compile(r"&amp;#(0*[0-9]{1,7});")
_HEX = re.compile(r"&amp;#[Xx](0*[0-9A-Fa-f]{1,6});")
# What PHP's htmlspecialchars (ENT_HTML401, double_encode false) leaves alone after an "&".
_PHP_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def _valid_unicode(code: int) -> bool:
    """WordPress's valid_unicode()."""
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _named(match: re.Match[str]) -> str:
    name = match.group(1)
    return f"&{name};" if name in ALLOWED_ENTITY_NAMES else f"&amp;{name};"


def _decimal(match: re.Match[str]) -> str:
    digits = match.group(1)
    if digits == "0":  # PHP's empty("0"): the callback drops the whole match
        return ""
    if not _valid_unicode(int(digits)):
        return f"&amp;#{digits};"
    return "&#" + (digits.lstrip("0") or "").rjust(3, "0") + ";"


def _hex(match: re.Match[str]) -> str:
    digits = match.group(1)
    if digits == "0":
        return ""
    if not _valid_unicode(int(digits, 16)):
        return f"&amp;#x{digits};"
    return "&#x" + digits.lstrip("0") + ";"


def normalize_entities(text: str) -> str:
    """wp_kses_normalize_entities($text, 'html')."""
    text = text.replace("&", "&amp;")
    text = _NAMED.sub(_named, text)
    text = _DECIMAL.sub(_decimal, text)
    return _HEX.sub(_hex, text)


def _htmlspecialchars(text: str) -> str:
    """PHP's htmlspecialchars($text, ENT_QUOTES, 'UTF-8', false): an ``&`` that starts an entity stays."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            entity = _PHP_ENTITY.match(text, i)
            if entity is not None and _php_knows(entity.group(0)):
                out.append(entity.group(0))
                i = entity.end()
                continue
            out.append("&amp;")
        elif char == "<":
            out.append("&lt;")
        elif char == ">":
            out.append("&gt;")
        elif char == '"':
            out.append("&quot;")
        elif char == "'":
            out.append("&#039;")
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _php_knows(entity: str) -> bool:
    """Whether PHP's htmlspecialchars (HTML 4.01 table) takes ``entity`` for one and keeps it."""
    body = entity[1:-1]
    if body.startswith("#"):
        return True
    return body in ALLOWED_ENTITY_NAMES and body != "apos"


def esc_html(text: str) -> str:
    """WordPress's esc_html() of a valid UTF-8 string."""
    if not text or _SPECIAL.search(text) is None:
        return text
    return _htmlspecialchars(normalize_entities(text))


esc_attr = esc_html  # the same escaping in WordPress 6.1 (only their filters differ)
