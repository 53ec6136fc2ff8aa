"""The registry: ours by decorator, third parties by entry point, failures disabled not fatal."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from marketplace.connectors import registry
from marketplace.connectors.base import Connector
from marketplace.connectors.types import API_CAPABILITIES
from marketplace.platforms import PLATFORMS

pytestmark = pytest.mark.worker  # no database needed


@pytest.fixture
def clean_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_registry", dict(registry.available()))
    monkeypatch.setattr(registry, "_disabled", {})


class TestRegistry:
    def test_our_connectors_are_registered_with_their_platform_facts(self) -> None:
        available = registry.available()
        assert set(available) == set(PLATFORMS) == {"shopee", "lazada", "tiktok"}
        for name, cls in available.items():
            assert cls.capabilities == API_CAPABILITIES
            assert PLATFORMS[name].image is cls.image_rule, name
            assert PLATFORMS[name].title == cls.title, name

    def test_duplicate_name_is_refused(self, clean_registry: None) -> None:
        class Impostor(Connector):
            name = "shopee"
            title = "Not Shopee"

        with pytest.raises(ValueError, match="already taken"):
            registry.register(Impostor)

    def test_connector_missing_a_dependency_is_disabled_with_a_reason(
        self, clean_registry: None
    ) -> None:
        class Sendo(Connector):
            name = "sendo"
            title = "Sendo"

            @classmethod
            def enabled(cls) -> str | None:
                return "needs the sendo-sdk package"

        registry.register(Sendo)
        assert "sendo" not in registry.available()
        assert registry.disabled()["sendo"] == "needs the sendo-sdk package"
        with pytest.raises(KeyError, match="needs the sendo-sdk package"):
            registry.get_connector("sendo")

    def test_entry_points_add_connectors_and_broken_ones_are_disabled(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        good = EntryPoint(
            "voso", "tests.connectors.test_registry:VosoConnector", registry.ENTRY_POINT_GROUP
        )
        broken = EntryPoint(
            "tiki", "marketplace_tiki_missing:TikiConnector", registry.ENTRY_POINT_GROUP
        )

        def fake_entry_points(group: str) -> list[EntryPoint]:
            return [good, broken] if group == registry.ENTRY_POINT_GROUP else []

        monkeypatch.setattr(registry, "entry_points", fake_entry_points)
        monkeypatch.setattr(registry, "_registry", {})
        monkeypatch.setattr(registry, "_disabled", {})
        monkeypatch.setattr(registry, "_loaded", False)
        registry.available()
        assert registry.get_connector("voso") is VosoConnector
        assert "cannot import" in registry.disabled()["tiki"]


class VosoConnector(Connector):
    """A stand-in third-party connector loaded through the entry point."""

    name = "voso"
    title = "Voso"
