"""Faithful emulators of the marketplaces' APIs, for development, tests and training."""
