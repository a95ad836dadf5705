"""Tests of micrograd.data.make_moons: shapes, labels, determinism, geometry."""

from __future__ import annotations

import numpy as np
import pytest

from micrograd.data import make_moons


def test_shapes_dtypes_and_labels() -> None:
    X, y = make_moons()
    assert X.shape == (100, 2) and X.dtype == np.float64
    assert y.shape == (100,) and y.dtype == np.int64
    assert set(y.tolist()) == {-1, 1}
    assert (y == -1).sum() == 50 and (y == 1).sum() == 50


def test_odd_sizes_give_the_extra_point_to_the_lower_moon() -> None:
    X, y = make_moons(n_samples=7)
    assert X.shape == (7, 2) and (y == -1).sum() == 3 and (y == 1).sum() == 4


def test_same_seed_same_data_other_seed_other_data() -> None:
    X1, y1 = make_moons(seed=3)
    X2, y2 = make_moons(seed=3)
    X3, _ = make_moons(seed=4)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    assert np.array_equal(make_moons()[0], make_moons(seed=0)[0])


def test_without_noise_the_ends_of_the_moons_are_exact() -> None:
    X, y = make_moons(n_samples=4, noise=0.0, seed=0)
    ends = sorted(zip(map(tuple, np.round(X, 12).tolist()), y.tolist()))
    assert ends == [((-1.0, 0.0), -1), ((0.0, 0.5), 1), ((1.0, 0.0), -1), ((2.0, 0.5), 1)]


def test_pinned_values() -> None:
    # The book prints numbers computed from this data; a change here changes the pages.
    X, y = make_moons(n_samples=3, noise=0.1, seed=0)
    expected = [[1.0125730221093394, -0.013210486329130189], [1.9464330626838888, 0.5361595054909484],
                [0.06404226504432821, 0.510490011715304]]
    np.testing.assert_allclose(X, expected, rtol=1e-12)
    assert y.tolist() == [-1, 1, 1]


def test_without_noise_points_lie_on_the_two_half_circles() -> None:
    X, y = make_moons(n_samples=200, noise=0.0)
    upper, lower = X[y == -1], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert (upper[:, 1] >= -1e-12).all()
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (lower[:, 1] <= 0.5 + 1e-12).all()


def test_noise_is_the_standard_deviation() -> None:
    clean, y0 = make_moons(n_samples=20000, noise=0.0, seed=1)
    noisy, y1 = make_moons(n_samples=20000, noise=0.2, seed=1)
    assert np.array_equal(y0, y1)  # the shuffle does not depend on the noise level
    assert np.std(noisy - clean) == pytest.approx(0.2, rel=0.02)


@pytest.mark.parametrize(
    ("kwargs", "message"), [({"n_samples": -1}, "n_samples"), ({"noise": -0.1}, "noise")]
)
def test_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_moons(**kwargs)


def test_seed_none_is_random() -> None:
    assert not np.array_equal(make_moons(seed=None)[0], make_moons(seed=None)[0])
