"""Textual UI for callmon: the live monitor and the sessions browser."""
