"""Backups of an installation: its database, media and exports in one archive, and back.

``service`` does the work (``flask backup`` / ``flask restore`` in ``cli.py`` call it),
``database`` copies and loads SQLite or PostgreSQL, ``archive`` writes and checks the file.
"""
