"""Golden label maps of scikit-image's quickshift for QuickshiftGoldenTest.

Runs skimage.segmentation.quickshift the way lime's LimeImageExplainer calls it on a grey image
(gray2rgb first; convert2lab=True, sigma=0) on a few images of BotSec's built-in data, and writes
quickshift_golden.json beside this script. For each case it records:
  - the image (integer grey levels and their scale, as the built-in data store them; digits8x8 row 0 is
    upscaled 8x by pixel replication so that lime's kernel_size=4 has room for more than one segment),
  - the tie-breaking noise skimage adds to the densities for random_seed=seed (skimage 0.19 draws
    np.random.default_rng(seed).normal(scale=1e-5, size=(h, w))), as little-endian float64 in base64,
  - skimage's label map for that seed,
  - the segment counts for seeds 0..9 and the adjusted Rand index of each seed's partition against seed 0's
    (how much skimage's own partition moves with its tie-breaking noise).
Run from this folder (Debian python3-skimage, python3-numpy):
    /usr/bin/python3 make_quickshift_golden.py ../../../../../botsec-core/src/main/resources/org/botsec/core/data/builtin
"""
import base64
import gzip
import json
import os
import sys

import numpy as np
import skimage
from skimage.color import gray2rgb
from skimage.segmentation import quickshift

root = sys.argv[1]
SEEDS = range(10)
LIME = dict(kernel_size=4, max_dist=200, ratio=0.2)  # lime's SegmentationAlgorithm('quickshift', ...) defaults
FINE = dict(kernel_size=2, max_dist=5, ratio=1.0)    # many segments on 28x28
TIES = dict(kernel_size=1, max_dist=5, ratio=0.5)    # a 3x3 window: flat background gives exact density ties


def idx_images(path):
    with gzip.open(path) as f:
        b = f.read()
    n, h, w = (int(v) for v in np.frombuffer(b[4:16], ">i4"))
    return np.frombuffer(b[16:], np.uint8).reshape(n, h, w)


def ari(a, b):
    """Adjusted Rand index (Hubert & Arabie 1985) from the contingency table; 1 when both are one cluster."""
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    m = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(m, (ia, ib), 1)
    pairs = lambda x: float((x * (x - 1) / 2).sum())
    index, sa, sb = pairs(m), pairs(m.sum(1)), pairs(m.sum(0))
    n = len(ia)
    expected = sa * sb / (n * (n - 1) / 2)
    top = (sa + sb) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


mnist = idx_images(os.path.join(root, "mnist10k", "mnist10k-images-idx3-ubyte.gz"))
fashion = idx_images(os.path.join(root, "fashion_mnist", "t10k-images-idx3-ubyte.gz"))
with open(os.path.join(root, "digits8x8", "digits8x8.csv")) as f:
    f.readline()
    digit0 = np.array([int(v) for v in f.readline().strip().split(",")[:64]], dtype=np.uint8).reshape(8, 8)

# (name, data set, split, row, grey levels, scale, upscale, params); rows are Builtins.load(name, split) rows
CASES = [
    ("mnist10k_0_lime", "mnist10k", "all", 0, mnist[0], 255, 1, LIME),
    ("fashion_mnist_test_0_lime", "fashion_mnist", "test", 0, fashion[0], 255, 1, LIME),
    ("digits8x8_0_x8_lime", "digits8x8", "all", 0, digit0, 16, 8, LIME),
    ("mnist10k_0_fine", "mnist10k", "all", 0, mnist[0], 255, 1, FINE),
    ("fashion_mnist_test_1_fine", "fashion_mnist", "test", 1, fashion[1], 255, 1, FINE),
    ("mnist10k_0_ties", "mnist10k", "all", 0, mnist[0], 255, 1, TIES),
]

out = {
    "generator": "make_quickshift_golden.py",
    "skimage": skimage.__version__,
    "numpy": np.__version__,
    "call": "quickshift(gray2rgb(image), kernel_size=K, max_dist=D, ratio=R, random_seed=seed)",
    "seed": 0,
    "cases": [],
}
for name, data, split, row, grey, scale, up, params in CASES:
    image = np.kron(grey.astype(np.float64) / scale, np.ones((up, up)))
    h, w = image.shape
    per_seed = [quickshift(gray2rgb(image), random_seed=s, **params) for s in SEEDS]
    noise = np.random.default_rng(0).normal(scale=0.00001, size=(h, w))
    out["cases"].append({
        "name": name, "data": data, "split": split, "row": row, "scale": scale, "upscale": up,
        "height": h, "width": w, "grey_levels": grey.ravel().tolist(), **params,
        "noise_f64le_base64": base64.b64encode(noise.astype("<f8").tobytes()).decode(),
        "labels": per_seed[0].ravel().tolist(),
        "segments_per_seed": [int(s.max()) + 1 for s in per_seed],
        "ari_vs_seed0": [round(ari(per_seed[0].ravel(), s.ravel()), 6) for s in per_seed],
    })
    print(name, out["cases"][-1]["segments_per_seed"], min(out["cases"][-1]["ari_vs_seed0"]))

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "quickshift_golden.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
