"""Characters text may hold wherever the index shows it: XML 1.0 (RSS) carries no control
character but tab, line feed and carriage return, no surrogate and neither U+FFFE nor U+FFFF."""
from __future__ import annotations

import re

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """The text with every character XML cannot carry replaced by U+FFFD."""
    return XML_ILLEGAL.sub("\ufffd", text)
