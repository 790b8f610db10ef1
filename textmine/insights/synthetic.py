"""Synthetic respondents with known theme effects: a known answer for testing driver analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd


def simulate_ratings(effects: dict[str, float], n: int = 2000, prevalence: float | dict[str, float] = 0.2,
                     base: float = 4.3, noise_sd: float = 0.7, n_services: int = 5, seed: int = 0) -> pd.DataFrame:
    """Respondents each raising every theme independently with probability ``prevalence``.

    Latent score = ``base`` + sum of the raised themes' ``effects`` + normal noise; the 1–5 ``rating`` is
    the latent score rounded and clipped, as on a survey scale. Columns: ``id``, ``service_no``,
    ``themes`` (``'a;b'``), ``polarity``, ``rating``, ``latent``.
    """
    rng = np.random.default_rng(seed)
    themes = list(effects)
    rates = np.array([prevalence[t] if isinstance(prevalence, dict) else prevalence for t in themes])
    raised = rng.random((n, len(themes))) < rates
    latent = base + raised @ np.array([effects[t] for t in themes]) + rng.normal(0, noise_sd, n)
    rating = np.clip(np.rint(latent), 1, 5).astype(int)
    return pd.DataFrame({
        "id": [f"r{i:05d}" for i in range(n)],
        "service_no": rng.integers(1, n_services + 1, n),
        "themes": [";".join(t for t, on in zip(themes, row, strict=True) if on) for row in raised],
        "polarity": np.where(rating >= 4, "praise", "complaint"),
        "rating": pd.array(rating, dtype="Int64"),
        "latent": latent,
    })
