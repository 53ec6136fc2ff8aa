"""Template hooks: a page of one package shows a panel that a package above it renders.

The catalogue's product pages must not import ``listings`` (listings is built on the
catalogue), yet they show where each product is listed. A page calls
``{{ template_hook("product-detail", product=product) }}``; the package above registers
the function that renders its panel when its blueprint is registered (Indico's
template hooks). A hook nobody registered renders as nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask import current_app
from markupsafe import Markup

Hook = Callable[..., str]
_KEY = "template_hooks"


def register(app: Flask, name: str, hook: Hook) -> None:
    """Have ``hook(**kwargs)`` render into every ``template_hook(name, **kwargs)``."""
    hooks: dict[str, list[Hook]] = app.extensions.setdefault(_KEY, {})
    if hook not in hooks.setdefault(name, []):
        hooks[name].append(hook)


def render(name: str, **kwargs: Any) -> Markup:
    """What every hook registered under ``name`` renders, one after the other."""
    hooks: dict[str, list[Hook]] = current_app.extensions.get(_KEY, {})
    # Hooks return rendered templates, escaped by Jinja already.
    return Markup("").join(Markup(hook(**kwargs)) for hook in hooks.get(name, ()))  # noqa: S704


def init_app(app: Flask) -> None:
    app.jinja_env.globals["template_hook"] = render
