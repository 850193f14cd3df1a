"""Screens: end-of-call summary, sessions browser, help."""
