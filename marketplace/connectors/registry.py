"""Connectors by name, from the ``marketplace.connectors`` entry points.

Ours are declared in the project's own pyproject exactly as a third party declares one::

    [project.entry-points."marketplace.connectors"]
    sendo = "marketplace_sendo:SendoConnector"

so the registry never imports a connector module by name (and no connector imports the
registry back).
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from marketplace.connectors.base import Connector

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "marketplace.connectors"

_registry: dict[str, type[Connector]] = {}
_disabled: dict[str, str] = {}
_loaded = False


def register(cls: type[Connector]) -> type[Connector]:
    """Make a connector available under ``cls.name`` (once per name)."""
    existing = _registry.get(cls.name)
    if existing is not None and existing is not cls:
        raise ValueError(f"connector name {cls.name!r} is already taken by {existing!r}")
    reason = cls.enabled()
    if reason is not None:
        _disabled[cls.name] = reason
        log.warning("connector %r disabled: %s", cls.name, reason)
        return cls
    _registry[cls.name] = cls
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            register(entry.load())
        except ImportError as exc:
            _disabled[entry.name] = f"cannot import {entry.value}: {exc}"
            log.warning("connector %r disabled: %s", entry.name, exc)


def available() -> dict[str, type[Connector]]:
    """Every usable connector by name."""
    _load()
    return dict(_registry)


def disabled() -> dict[str, str]:
    """Connectors that could not be enabled, with the reason."""
    _load()
    return dict(_disabled)


def get_connector(name: str) -> type[Connector]:
    """The connector class registered as ``name``; KeyError names the known ones."""
    _load()
    try:
        return _registry[name]
    except KeyError:
        reason = _disabled.get(name, f"known: {', '.join(sorted(_registry))}")
        raise KeyError(f"no connector {name!r} ({reason})") from None
