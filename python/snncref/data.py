"""Data sets shipped by Debian packages (no downloads).

Fashion-MNIST: dataset-fashion-mnist, gzipped IDX files.
Digits: scikit-learn's bundled 8x8 digits (1797 samples). Fixed split:
sample i (in sklearn's order) is a test sample iff i % 5 == 0 (360 test, 1437 train).
All images are float32 in [0, 1] (Fashion-MNIST / 255, digits / 16).
"""
import gzip
import os
import struct

import numpy as np

FMNIST_DIR = os.environ.get("SNNC_FMNIST_DIR", "/usr/share/datasets/fashion-mnist")


def read_idx(path):
    """Reads a (possibly gzipped) IDX file into a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0:
        raise ValueError(f"{path}: not an IDX file")
    dtypes = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=dtypes[dtype_code], offset=4 + 4 * ndim)
    return data.reshape(dims)


def load_fmnist(split):
    """Returns (images float32 [N,1,28,28] in [0,1], labels int64 [N]); split 'train' or 'test'."""
    prefix = {"train": "train", "test": "t10k"}[split]
    images = read_idx(os.path.join(FMNIST_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(FMNIST_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    x = (images.astype(np.float32) / np.float32(255.0)).reshape(-1, 1, 28, 28)
    return x, labels.astype(np.int64)


def load_digits(split):
    """Returns (images float32 [N,64] in [0,1], labels int64 [N]); split 'train' or 'test'."""
    from sklearn.datasets import load_digits as _load

    d = _load()
    x = (d.data.astype(np.float32) / np.float32(16.0))
    y = d.target.astype(np.int64)
    idx = np.arange(len(y))
    mask = (idx % 5 == 0) if split == "test" else (idx % 5 != 0)
    return np.ascontiguousarray(x[mask]), y[mask]


def load(dataset, split, shape=None):
    """(images, labels) of a split; shape: the per-sample shape to give the images (a model's
    input_shape, e.g. [784] for an MLP on Fashion-MNIST or [1, 8, 8] for a conv net on digits);
    default the loader's own ([1, 28, 28] for Fashion-MNIST, [64] for digits)."""
    if dataset == "fashion-mnist":
        x, y = load_fmnist(split)
    elif dataset == "digits":
        x, y = load_digits(split)
    else:
        raise ValueError(f"unknown dataset {dataset}")
    if shape is not None:
        x = np.ascontiguousarray(x.reshape((len(x),) + tuple(shape)))
    return x, y


def describe(dataset):
    """A one-line description of the train/test split (recorded in info.json)."""
    if dataset == "fashion-mnist":
        return ("Fashion-MNIST from Debian's dataset-fashion-mnist: train = train-*-ubyte.gz (60000), "
                "test = t10k-*-ubyte.gz (10000) in file order; pixels / 255")
    if dataset == "digits":
        return ("scikit-learn load_digits() (1797 samples): test = samples with index % 5 == 0 (360), "
                "train = the rest (1437), in sklearn order; pixels / 16")
    return dataset
