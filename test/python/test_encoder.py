"""Poisson encoder bit-exactness against values hard-coded from the issue's formula.

The 24-bit integers below were computed once with an independent pure-Python (arbitrary precision
int, masked to 64 bits) implementation of the formula; u = k * 2^-24."""
import numpy as np
import pytest

from snncref import encoder

# (seed, n, t, i, D, T) -> k = z >> 40
CASES = [
    ((0, 0, 0, 0, 784, 20), 14819496),
    ((0, 0, 0, 1, 784, 20), 7239838),
    ((0, 0, 1, 0, 784, 20), 8269473),
    ((0, 1, 0, 0, 784, 20), 7685662),
    ((0, 255, 19, 783, 784, 20), 5606733),
    ((0, 3, 7, 10, 64, 20), 2436534),
    ((12345, 0, 0, 0, 64, 20), 2232706),
    ((2**64 - 1, 9999, 24, 783, 784, 25), 13825013),
    ((0, 0, 0, 3, 4, 1), 16288696),
    ((0, 1, 2, 3, 784, 20), 1512009),  # the worked example of docs/onnx-profile.md
]


@pytest.mark.parametrize("args,k", CASES)
def test_uniform_bit_exact(args, k):
    seed, n, t, i, D, T = args
    u = encoder.uniform(seed, [n], t, T, D)
    assert u.dtype == np.float32
    assert u.shape == (1, D)
    assert float(u[0, i]) == k * 2.0 ** -24
    assert int(u[0, i] * np.float32(2 ** 24)) == k


def test_uniform_multi_step_matches_single_step():
    n = np.array([0, 5, 17])
    all_steps = encoder.uniform(7, n, np.arange(4), 20, 30)
    assert all_steps.shape == (4, 3, 30)
    for t in range(4):
        np.testing.assert_array_equal(all_steps[t], encoder.uniform(7, n, t, 20, 30))


def test_spike_rule():
    # u for (seed 0, n 0, t 0, i 0..1, D 784, T 20) = 0.88331079..., 0.43152797...
    u0, u1 = 14819496 * 2.0 ** -24, 7239838 * 2.0 ** -24
    x = np.zeros((1, 784), np.float32)
    x[0, 0] = np.float32(u0)          # u <= |x| exactly at equality: spikes
    x[0, 1] = np.nextafter(np.float32(u1), np.float32(0))  # just below u: no spike
    s = encoder.poisson_encode(x, [0], 0, 20)
    assert s[0, 0] == 1 and s[0, 1] == 0
    assert not s[0, 2:].any()          # zero input never spikes
    # signed: negative input spikes -1 when u <= |x|; with signed=0 never.
    x2 = -np.ones((1, 784), np.float32)
    assert (encoder.poisson_encode(x2, [0], 0, 20, signed=1) == -1).all()
    assert (encoder.poisson_encode(x2, [0], 0, 20, signed=0) == 0).all()
    # scale: u * 2 <= |x| ; element 1 has u = 0.4315 -> 0.863 <= 0.9 spikes, element 0 (1.766) not.
    x3 = np.full((1, 784), 0.9, np.float32)
    s3 = encoder.poisson_encode(x3, [0], 0, 20, scale=2.0)
    assert s3[0, 0] == 0 and s3[0, 1] == 1


def test_rate_and_shape():
    x = np.full((8, 1, 10, 10), 0.25, np.float32)
    s = encoder.poisson_encode(x, np.arange(8), np.arange(20), 20)
    assert s.shape == (20, 8, 1, 10, 10)
    assert abs(s.mean() - 0.25) < 0.02


def test_prefix_property():
    """A run that exits early sees exactly the first steps of the full run's spike trains."""
    x = np.random.RandomState(0).rand(4, 64).astype(np.float32)
    full = encoder.poisson_encode(x, np.arange(4), np.arange(20), 20)
    part = encoder.poisson_encode(x, np.arange(4), np.arange(7), 20)
    np.testing.assert_array_equal(full[:7], part)
