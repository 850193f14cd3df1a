"""Etiquette checklist and hostility rules: pure code, no I/O."""
