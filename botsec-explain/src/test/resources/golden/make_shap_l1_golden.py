#!/usr/bin/python3
"""Writes shap_case_l1.csv: shap's KernelExplainer with l1_reg="num_features(k)" on the SHAP golden case.

The case is the one of shap_case_kernel.csv (see README.md in this folder): shap_case.csv's first 10
(standardized breast-cancer) features, the logistic regression of shap_case_model.json (explained output
P(class 1) = sigmoid(x . coef + intercept)), background = rows 0..49, identity link. Rows 0..4 are explained
with nsamples=2048 (capped by shap to 2^10 - 2 = 1022, i.e. every coalition is enumerated, no randomness) and
l1_reg="num_features(k)" for k in {3, 5}.

Reference: shap v0.50.0 source tree (commit e7277dc49ea3afd83bcf117424cf99a440b54873), not installed and with
no compiled extension built. Usage:

    /usr/bin/python3 make_shap_l1_golden.py /path/to/shap-v0.50.0-source-tree

How shap is loaded (nothing of shap's own logic is replaced):
  * shap/__init__.py pulls in plotting and other modules whose dependencies are not on this machine, so the
    packages `shap` and `shap.explainers` are registered as bare namespace modules pointing at the source tree
    and only `shap.explainers._kernel` (and what it imports) is executed.
  * `slicer` (used by shap._explanation, which KernelExplainer.shap_values does not use) is stubbed.
  * `_kernel_lib._exp_val`, a small Cython helper, is replaced by the pure-numpy function `exp_val` below: for
    every newly evaluated coalition i, ey[i] = sum_j y[i*N + j] * weights[j], accumulated over j in the same
    order as the Cython loop.
  * `lars_path` inside shap.explainers._kernel is wrapped only to record the active set it returns (the order in
    which the features entered least-angle regression), which is written to the `lars_order` column.

Before writing, the script re-runs the default l1_reg="num_features(10)" setting and checks it against
shap_case_kernel.csv (1e-12), so a broken loading of shap is caught.

Versions used for the committed file: Python 3.11, numpy 1.24.2, scipy 1.10.1, scikit-learn 1.2.1 (Debian).
"""

import csv
import json
import os
import sys
import types

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
KS = (3, 5)
ROWS = range(5)
NSAMPLES = 2048


def exp_val(nsamples_run, nsamples_added, D, N, weights, y, ey):
    """Pure-numpy replacement of shap's compiled _kernel_lib._exp_val (same summation order)."""
    for i in range(nsamples_run, nsamples_added):
        acc = np.zeros(D)
        for j in range(N):
            acc += y[i * N + j, :] * weights[j]
        ey[i, :] = acc
    return ey, nsamples_added


def load_shap_kernel(src):
    root = os.path.join(src, "shap")
    lib = types.ModuleType("_kernel_lib")
    lib._exp_val = exp_val
    sys.modules["_kernel_lib"] = lib
    slicer = types.ModuleType("slicer")
    for name in ("Alias", "Obj", "Slicer"):
        setattr(slicer, name, type(name, (), {}))
    sys.modules["slicer"] = slicer
    for name, path in (("shap", root), ("shap.explainers", os.path.join(root, "explainers"))):
        pkg = types.ModuleType(name)
        pkg.__path__ = [path]
        sys.modules[name] = pkg
    import shap.explainers._kernel as kernel

    return kernel


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_shap_l1_golden.py SHAP_SOURCE_TREE")
    kernel = load_shap_kernel(sys.argv[1])

    recorded = []
    original_lars_path = kernel.lars_path

    def recording_lars_path(*args, **kwargs):
        out = original_lars_path(*args, **kwargs)
        recorded.append([int(i) for i in out[1]])
        return out

    kernel.lars_path = recording_lars_path

    with open(os.path.join(HERE, "shap_case_model.json")) as fh:
        model = json.load(fh)
    coef = np.array(model["coef"])
    intercept = model["intercept"]
    with open(os.path.join(HERE, "shap_case.csv")) as fh:
        rows = list(csv.reader(fh))
    data = np.array([[float(v) for v in r[1:11]] for r in rows[1:]])

    def f(x):
        return 1.0 / (1.0 + np.exp(-(np.asarray(x) @ coef + intercept)))

    explainer = kernel.KernelExplainer(f, data[:50])

    # Sanity check against the existing golden file (default num_features(10) keeps all 10 features).
    with open(os.path.join(HERE, "shap_case_kernel.csv")) as fh:
        kernel_rows = [r for r in csv.reader(fh) if r[0].startswith("nsamples=2048;l1_reg=num_features(10)")]
    for r in kernel_rows:
        phi = explainer.shap_values(data[int(r[2]) : int(r[2]) + 1], nsamples=NSAMPLES, silent=True)[0]
        diff = np.max(np.abs(phi - np.array([float(v) for v in r[4:14]])))
        if diff > 1e-12:
            sys.exit(f"shap as loaded here does not reproduce shap_case_kernel.csv row {r[2]}: {diff}")

    out_path = os.path.join(HERE, "shap_case_l1.csv")
    with open(out_path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["config", "row", "expected_value"] + [f"phi_{j}" for j in range(10)] + ["lars_order"])
        for k in KS:
            for row in ROWS:
                recorded.clear()
                phi = explainer.shap_values(
                    data[row : row + 1], nsamples=NSAMPLES, l1_reg=f"num_features({k})", silent=True
                )[0]
                assert explainer.nsamples == 1022, explainer.nsamples
                assert len(recorded) == 1 and len(recorded[0]) == k, recorded
                nonzero = sorted(int(j) for j in np.nonzero(phi)[0])
                assert nonzero == sorted(recorded[0]), (nonzero, recorded[0])
                w.writerow(
                    [f"nsamples={NSAMPLES};l1_reg=num_features({k})", row, "%.17g" % float(explainer.expected_value)]
                    + ["%.17g" % v for v in phi]
                    + [";".join(str(j) for j in recorded[0])]
                )
    print("wrote", out_path)


if __name__ == "__main__":
    main()
