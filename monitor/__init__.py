"""callmon: a local, private, real-time phone-call monitor."""

__version__ = "0.1.0"
