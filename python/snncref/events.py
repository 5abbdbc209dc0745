"""Event streams (DVS cameras and the like) to the per-step frames snnc-run reads.

A model without an encoder (a NIR network, model.bin's STEPS input) takes `[N, T, ...]` input:
one tensor per step. `bin_events` turns one recording of `(t, x, y, p)` events into the `T`
frames of such a sample, `[T, 2, H, W]` (channel 0: OFF / p <= 0, channel 1: ON / p > 0, or one
channel with `polarity="merge"`), and `bin_dataset` stacks recordings into `[N, T, ...]` for
`np.save` and `snnc-run --input`.

Binning rule: the window `[t_start, t_end)` (by default the recording's first event to just past
its last) is cut into `T` equal intervals; event `k` falls in frame
`floor((t_k - t_start) * T / (t_end - t_start))` (computed in float64 on the integer-valued
times; events outside the window are dropped), at pixel `(y_k, x_k)`. `mode="count"` sums the
events per (frame, channel, pixel), `mode="binary"` marks a pixel 1 if it had any event (the
spike trains a NIR network trained on spike inputs expects). Coordinates outside the sensor are
an error, as is a time that is not finite (events need not be sorted); the helper never moves an event to another pixel or frame.
"""
import numpy as np


def _fields(events):
    """(t, x, y, p) arrays from a structured array with those names or an [E, 4] array."""
    if getattr(events, "dtype", None) is not None and events.dtype.names:
        missing = {"t", "x", "y", "p"} - set(events.dtype.names)
        if missing:
            raise ValueError(f"events: structured array lacks the fields {sorted(missing)}")
        return (np.asarray(events["t"]), np.asarray(events["x"]), np.asarray(events["y"]),
                np.asarray(events["p"]))
    a = np.asarray(events)
    if a.ndim != 2 or a.shape[1] != 4:
        raise ValueError(f"events: shape {list(a.shape)}, expected [E, 4] columns (t, x, y, p) "
                         "or a structured array with fields t, x, y, p")
    return a[:, 0], a[:, 1], a[:, 2], a[:, 3]


def bin_events(events, sensor_size, num_steps, t_start=None, t_end=None, mode="count",
               polarity="split", dtype=np.float32):
    """Bins one recording into frames [T, 2 (or 1), H, W]; sensor_size is (W, H) as DVS
    datasets give it (x < W, y < H). See the module docstring for the rule."""
    if num_steps < 1:
        raise ValueError(f"num_steps: {num_steps}, expected >= 1")
    if mode not in ("count", "binary"):
        raise ValueError(f"mode: {mode!r}, expected 'count' or 'binary'")
    if polarity not in ("split", "merge"):
        raise ValueError(f"polarity: {polarity!r}, expected 'split' or 'merge'")
    width, height = sensor_size
    t, x, y, p = _fields(events)
    t = t.astype(np.float64)
    if not np.isfinite(t).all():
        raise ValueError("events: a time stamp is not finite")
    channels = 2 if polarity == "split" else 1
    frames = np.zeros((num_steps, channels, height, width), np.float64)
    if len(t) == 0:
        return frames.astype(dtype)
    x, y = x.astype(np.int64), y.astype(np.int64)
    bad = (x < 0) | (x >= width) | (y < 0) | (y >= height)
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(f"event {k}: (x, y) = ({x[k]}, {y[k]}) is outside the {width}x{height} "
                         "sensor")
    lo = t.min() if t_start is None else float(t_start)
    hi = np.nextafter(t.max(), np.inf) if t_end is None else float(t_end)
    if not hi > lo:
        raise ValueError(f"t_end {hi} is not after t_start {lo}")
    keep = (t >= lo) & (t < hi)
    frame = np.floor((t[keep] - lo) * num_steps / (hi - lo)).astype(np.int64)
    frame = np.minimum(frame, num_steps - 1)  # rounding at the window's end
    channel = (p[keep] > 0).astype(np.int64) if channels == 2 else np.zeros(frame.shape, np.int64)
    np.add.at(frames, (frame, channel, y[keep], x[keep]), 1.0)
    if mode == "binary":
        frames = (frames > 0).astype(np.float64)
    return frames.astype(dtype)


def bin_dataset(recordings, sensor_size, num_steps, **kwargs):
    """[N, T, C, H, W] from a list of recordings (each binned over its own window unless
    t_start/t_end are given)."""
    return np.stack([bin_events(r, sensor_size, num_steps, **kwargs) for r in recordings])
