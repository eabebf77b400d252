"""Text for a person's terminal: control characters from the data are shown, never obeyed.

Article text and file names may carry terminal escape sequences (``ESC]0;`` retitles the
window, ``ESC[2J`` clears the screen). Tables, summaries and skip lines show them as ``\\x1b``.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, and the C1 controls (0x9b is a one-byte CSI)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with its control characters written as ``\\xNN`` (tabs and line breaks kept).

    >>> printable("a\\x1b[2Jb")
    'a\\\\x1b[2Jb'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
