"""Fitted logistic scorers, stored as plain JSON beside the code.

`measure/fit_lead.py` fits them with scikit-learn on a declared tuning split and writes
the standardisation, the coefficients, the threshold and where they came from; here
they are only applied, so answering needs numpy and nothing of scikit-learn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.errors import NewsqaError

MODELS_DIR = Path(__file__).resolve().parent / "fitted"


@dataclass(frozen=True)
class Logistic:
    """P(y=1 | x) = sigmoid(((x - mean) / scale) . coef + intercept), on named features."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float = 0.5
    fitted_on: str = ""

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """One probability per row of `x` (rows in `features` order)."""
        if x.size == 0:
            return np.zeros(0)
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept, "threshold": self.threshold,
                "fitted_on": self.fitted_on}

    @classmethod
    def from_dict(cls, d: dict) -> Logistic:
        return cls(tuple(d["features"]), np.asarray(d["mean"], float), np.asarray(d["scale"], float),
                   np.asarray(d["coef"], float), float(d["intercept"]), float(d.get("threshold", 0.5)),
                   str(d.get("fitted_on", "")))


@lru_cache(maxsize=8)
def load_model(name: str, features: tuple[str, ...]) -> Logistic:
    """The fitted scorer `name`; one clear error when it is missing or its features differ."""
    path = MODELS_DIR / f"{name}.json"
    try:
        model = Logistic.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise NewsqaError(f"fitted scorer {path} cannot be read ({exc}); run `newsqa eval --fit`") from None
    if model.features != features:
        raise NewsqaError(f"fitted scorer {path} was fitted on other features; run `newsqa eval --fit`")
    return model


def save_model(name: str, model: Logistic) -> Path:
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    path = MODELS_DIR / f"{name}.json"
    path.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
    return path
