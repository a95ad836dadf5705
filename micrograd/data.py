"""Toy data: two interleaving half circles ("two moons"), the classic
dataset for a first non-linear classifier. NumPy only, deterministic.
"""

from __future__ import annotations

import numpy as np

__all__ = ["make_moons"]


def make_moons(
    n_samples: int = 100, noise: float = 0.1, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two noisy interleaving half circles, shuffled.

    Returns `(X, y)`: `X` is a float64 array of shape (n_samples, 2), `y` an
    int64 array of shape (n_samples,) with labels -1 for the upper moon
    (centred at (0, 0)) and +1 for the lower moon (centred at (1, 0.5)):
    the ±1 convention a max-margin loss wants, and what the original demo
    gets from scikit-learn's labels with `y * 2 - 1`. The upper moon gets
    `n_samples // 2` points, the lower one the rest.

    `noise` is the standard deviation of the Gaussian noise added to every
    coordinate. The same `seed` gives the same arrays on every machine
    (NumPy's `default_rng`); `seed=None` draws fresh randomness.

    Examples:
        >>> from micrograd import make_moons
        >>> X, y = make_moons(n_samples=6, noise=0.0)
        >>> X.shape, y.shape
        ((6, 2), (6,))
        >>> sorted(y.tolist())
        [-1, -1, -1, 1, 1, 1]
    """
    if n_samples < 0:
        raise ValueError(f"n_samples must be >= 0, got {n_samples}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    n_upper = n_samples // 2
    n_lower = n_samples - n_upper
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    X = np.concatenate(
        [
            np.column_stack([np.cos(t_upper), np.sin(t_upper)]),
            np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)]),
        ]
    )
    y = np.concatenate([np.full(n_upper, -1, dtype=np.int64), np.full(n_lower, 1, dtype=np.int64)])
    X = X + rng.normal(scale=noise, size=X.shape)
    order = rng.permutation(n_samples)
    return X[order], y[order]
