"""Fixtures every platform's connector tests share."""

from __future__ import annotations

import pytest

from marketplace.connectors.types import TokenSet
from tests.connectors.harness import PlatformEnv


@pytest.fixture
def tokens(env: PlatformEnv) -> TokenSet:
    """A shop authorized through the sandbox's consent page (``env`` comes from each module)."""
    return env.authorize()
