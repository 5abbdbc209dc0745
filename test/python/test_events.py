"""snncref.events: (t, x, y, p) events binned into the per-step frames snnc-run reads."""
import numpy as np
import pytest

from snncref import events


def test_binning_rule_by_hand():
    # Window [0, 100) in 4 frames of 25: t = 0, 24 -> frame 0; 25 -> 1; 99 -> 3.
    ev = np.array([[0, 1, 0, 1], [24, 1, 0, 1], [25, 2, 1, 0], [99, 0, 2, 1], [50, 2, 1, -1]])
    f = events.bin_events(ev, (3, 3), 4, t_start=0, t_end=100)
    assert f.shape == (4, 2, 3, 3) and f.dtype == np.float32
    assert f[0, 1, 0, 1] == 2  # two ON events at (x 1, y 0) in frame 0
    assert f[1, 0, 1, 2] == 1  # p = 0 is OFF
    assert f[2, 0, 1, 2] == 1  # p = -1 is OFF
    assert f[3, 1, 2, 0] == 1
    assert f.sum() == 5


def test_default_window_keeps_every_event_and_binary_mode():
    rng = np.random.default_rng(0)
    n = 500
    ev = np.zeros(n, dtype=[("t", "i8"), ("x", "i2"), ("y", "i2"), ("p", "i1")])
    ev["t"] = np.sort(rng.integers(1000, 9000, n))
    ev["x"], ev["y"], ev["p"] = rng.integers(0, 8, n), rng.integers(0, 6, n), rng.integers(0, 2, n)
    counts = events.bin_events(ev, (8, 6), 10)
    assert counts.sum() == n  # the first and the last event are inside the default window
    assert counts[-1].sum() > 0
    binary = events.bin_events(ev, (8, 6), 10, mode="binary")
    np.testing.assert_array_equal(binary, (counts > 0).astype(np.float32))
    merged = events.bin_events(ev, (8, 6), 10, polarity="merge")
    np.testing.assert_array_equal(merged[:, 0], counts.sum(1))


def test_events_outside_the_window_are_dropped():
    ev = np.array([[5, 0, 0, 1], [10, 0, 0, 1], [20, 0, 0, 1]])
    f = events.bin_events(ev, (1, 1), 2, t_start=10, t_end=20)
    assert f.sum() == 1 and f[0, 1, 0, 0] == 1


def test_dataset_stacks_to_n_t_layout():
    recs = [np.array([[0, 0, 0, 1]]), np.array([[0, 1, 1, 0], [3, 1, 1, 0]])]
    x = events.bin_dataset(recs, (2, 2), 3)
    assert x.shape == (2, 3, 2, 2, 2)
    assert x[1].sum() == 2


@pytest.mark.parametrize("ev,message", [
    (np.array([[0, 3, 0, 1]]), "outside the 3x2 sensor"),
    (np.array([[np.nan, 0, 0, 1]]), "not finite"),
    (np.zeros((2, 3)), "expected [E, 4]"),
])
def test_bad_events_are_errors(ev, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        events.bin_events(ev, (3, 2), 4)
