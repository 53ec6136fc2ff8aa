"""Adapters between our catalogue and the marketplaces; see docs/connectors.md."""
