"""Shared by the translation tests: tiny real Argos packages built offline, argostranslate's folders inside
tmp_path, a translation cache of the test's own, and whether apertium fr->en is installed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.translate import apertium
from tests.tiny_argos import build_package

needs_apertium = pytest.mark.skipif(
    apertium.find_chain("fr", "en") is None,
    reason="apertium fr->en is not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)",
)


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny real Argos packages: fr->en that ends its sentences, de->en whose decoder loops."""
    folder = tmp_path_factory.mktemp("argos-build")
    return {
        "fr-en": build_package(folder / "fr", source="fr", target="en"),
        "de-en": build_package(folder / "de", source="de", target="en", loop=True),
    }


@pytest.fixture
def argos_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """argostranslate's package folder (and every folder it touches) inside tmp_path."""
    packages_dir = tmp_path / "argos-packages"
    packages_dir.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages_dir))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    import argostranslate.settings as argos_settings  # reads the variables above on first import

    monkeypatch.setattr(argos_settings, "package_data_dir", packages_dir)
    monkeypatch.setattr(argos_settings, "package_dirs", [packages_dir])
    monkeypatch.setattr(argos_settings, "local_package_index", tmp_path / "argos-index.json")
    yield packages_dir


@pytest.fixture
def cache_file(tmp_path: Path) -> Path:
    """A translation cache path of this test's own."""
    return tmp_path / "cache" / "translations.sqlite"
