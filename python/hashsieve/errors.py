"""hashsieve's exceptions. `reason` is the CLI's stable tag ("truncated", "unsupported format",
"too large", ...), the same string as the "error" field of an error record."""
from typing import Optional


class Error(Exception):
    """Base class of every hashsieve error."""


class InputError(Error):
    """A per-input problem (unreadable file, ...)."""

    def __init__(self, message: str, reason: str = "", path: Optional[str] = None):
        super().__init__(message)
        self.reason = reason
        self.path = path


class DecodeError(InputError):
    """A media file that could not be decoded; `path` names it."""


class FormatError(Error, ValueError):
    """A malformed hash list or query."""


class UsageError(Error, ValueError):
    """A bad argument (unknown device or luma, a backend that is not available, ...)."""
