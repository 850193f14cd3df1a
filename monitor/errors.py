"""Errors a user can fix; the CLI prints them as one line, without a traceback."""


class CallmonError(Exception):
    """Base for expected failures: the message says what is wrong and what to do."""


class AudioError(CallmonError):
    """Audio device or recording problem (missing device, unreadable file, device lost)."""


class ModelError(CallmonError):
    """The Whisper model cannot be found or loaded."""


class StoreError(CallmonError):
    """The session store cannot be opened or written."""
