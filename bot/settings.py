"""All settings, from the environment and a `.env` file (pydantic-settings).

Flat `NEWSQA_*` variables map onto the nested per-stage configs; the Telegram token
is a secret and is never printed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index.config import DEFAULT_MILVUS_URI, DEFAULT_MODEL, ChunkConfig, IndexConfig, StoreKind, check_milvus_uri
from index.errors import NewsqaError
from qa.config import Abstention, QAConfig, RetrievalMode
from qa.conversation.history import Conversation

# Questions about the seed article (corpus/alibaba-two-speed-economy.txt).
SEED_EXAMPLES = (
    "How fast did Alibaba's cloud revenue grow?",
    "What did Alibaba pledge to invest in AI?",
    "What is involution?",
)


class Settings(BaseSettings):
    """Every knob of newsqa. Unknown keys in `.env` are rejected."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSQA_", env_file=".env", extra="ignore", frozen=True
    )

    corpus_dir: Path = Field(Path("corpus"), description="folder of article files")
    index_dir: Path = Field(Path("data/index"), description="folder of the index (git-ignored)")
    model: str = Field(DEFAULT_MODEL, description="sentence-transformers model name or path")
    top_k: int = Field(3, ge=1, le=20, description="quotes in an answer")
    mode: RetrievalMode = Field("hybrid", description="retrieval: hybrid, dense or bm25")
    abstention: Abstention = Field("fitted", description="deciding the articles don't say: fitted or stairs")
    max_article_bytes: int = Field(5_000_000, ge=1, description="larger article files are refused")
    store: StoreKind = Field("faiss", description="vector store an update writes: faiss or milvus")
    milvus_uri: str = Field(DEFAULT_MILVUS_URI, description="Milvus Lite path (*.db) or server URL")
    near_duplicate_threshold: float = Field(
        0.8, ge=0.0, le=1.0, description="shingle similarity past which an added article is a copy (0: off)"
    )

    telegram_bot_token: SecretStr | None = Field(
        None, validation_alias="TELEGRAM_BOT_TOKEN", description="the bot's token from BotFather"
    )
    telegram_base_url: str = Field(
        "https://api.telegram.org/bot", description="Bot API base URL (a self-hosted server)"
    )
    webhook_url: str | None = Field(None, description="public URL; set to use a webhook")
    webhook_listen: str = Field("0.0.0.0", description="address the webhook server binds")
    webhook_port: int = Field(8443, ge=1, le=65535, description="port the webhook server binds")
    webhook_secret: SecretStr | None = Field(None, description="Telegram's secret-token header")
    allowed_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="user or chat ids allowed to use the bot; empty = all"
    )
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="user ids allowed to add articles and /reindex"
    )
    examples: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(SEED_EXAMPLES),
        description="questions /start suggests, for the articles you index ('|'-separated)",
    )
    rate_limit_per_minute: int = Field(20, ge=1, description="questions per user per minute")
    conversation_idle_minutes: float = Field(
        30.0, ge=0, description="a conversation's turns are forgotten after this many idle minutes (0: never)"
    )
    conversation_turns: int = Field(4, ge=1, le=20, description="earlier turns a follow-up may lean on")
    chat_state_file: Path | None = Field(
        None, description="where the Telegram bot keeps conversations across restarts "
                          "(default: telegram_state.pickle beside the index folder)"
    )
    allow_private_urls: bool = Field(False, description="let `add` fetch loopback/private URLs")
    redis_url: str | None = Field(
        None, description="Redis for the state bot replicas share (rate limits, buttons, conversations); "
                          "unset: kept in the process"
    )

    @field_validator("examples", mode="before")
    @classmethod
    def _split_examples(cls, v: object) -> object:
        """Accept `Q1 | Q2` as well as a JSON list (for a question holding "|")."""
        if isinstance(v, str):
            return _json_list(v) if v.strip().startswith("[") else [q.strip() for q in v.split("|") if q.strip()]
        return v

    @field_validator("milvus_uri")
    @classmethod
    def _check_milvus_uri(cls, v: str) -> str:
        return check_milvus_uri(v)

    @field_validator("redis_url", mode="before")
    @classmethod
    def _check_redis_url(cls, v: object) -> object:
        """Empty means unset (a blank line in `.env`); else a URL redis-py can open."""
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        from bot.telegram.shared_state import check_url  # deferred: settings load without redis

        return check_url(str(v).strip())

    @field_validator("allowed_ids", "admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, v: object) -> object:
        """Accept `1,2,3` as well as a JSON list."""
        if isinstance(v, int):
            return [v]
        if isinstance(v, str):
            if v.strip().startswith("["):
                return _json_list(v)
            return [int(x) for x in v.replace(";", ",").split(",") if x.strip()]
        return v

    def index_config(self) -> IndexConfig:
        return IndexConfig(
            corpus_dir=self.corpus_dir,
            index_dir=self.index_dir,
            model=self.model,
            chunking=ChunkConfig(),
            max_article_bytes=self.max_article_bytes,
            store=self.store,
            milvus_uri=self.milvus_uri,
            near_duplicate_threshold=self.near_duplicate_threshold,
        )

    def new_conversation(self) -> Conversation:
        """An empty conversation bounded and timed by these settings."""
        return Conversation(max_turns=self.conversation_turns, idle_seconds=self.conversation_idle_minutes * 60)

    def chat_state_path(self) -> Path:
        return self.chat_state_file or Path(self.index_dir).parent / "telegram_state.pickle"

    def qa_config(self) -> QAConfig:
        return QAConfig(top_k=self.top_k, mode=self.mode, abstention=self.abstention)


def _json_list(text: str) -> object:
    """A JSON list as written in the environment; pydantic names what is wrong with it."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, or one clear line naming the bad value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        raise NewsqaError(f"bad setting {where}: {first.get('msg', 'invalid value')}") from None
