"""Settings and engine for a command, built once per process."""

from __future__ import annotations

from bot.settings import Settings, load_settings
from index.store.layout import current_version, index_home
from qa.engine import Engine


def settings() -> Settings:
    return load_settings()


def open_engine(s: Settings, build_if_missing: bool = False) -> Engine:
    """The engine over the published index; with `build_if_missing`, build it first."""
    cfg = s.index_config()
    if build_if_missing and current_version(index_home(cfg)) is None:
        from index.update.build import update_index

        update_index(cfg, progress=True)
    return Engine.open(cfg, s.qa_config())
