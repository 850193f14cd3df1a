"""Plain text of what a Textual app shows right now (for assertions and debugging)."""

from __future__ import annotations


def screen_text(app) -> str:
    """Every row of the current screen, as the user would read it without colour."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)
