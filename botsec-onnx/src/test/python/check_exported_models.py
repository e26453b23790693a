#!/usr/bin/env python3
"""Checks BotSec's ONNX export with the reference Python tools: onnx.checker (full check, shape inference) and
Python ONNX Runtime, whose probabilities must equal BotSec's own to 1e-9 (float64) / 1e-5 (float32).

    java -cp ... org.botsec.onnx.ExportForPythonCheck /tmp/onnx-export-check
    python3 botsec-onnx/src/test/python/check_exported_models.py /tmp/onnx-export-check

Needs the Python packages onnx and onnxruntime (not part of the build; see docs/models-onnx.md).
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort


def main(folder):
    d = Path(folder)
    worst = 0.0
    for ref in sorted(d.glob("*.json")):
        doc = json.loads(ref.read_text())
        x = np.array(doc["inputs"], dtype=np.float64)
        expected = np.array(doc["probabilities"], dtype=np.float64)
        for precision, dtype, tol in (("float64", np.float64, 1e-9), ("float32", np.float32, 1e-5)):
            path = d / f"{ref.stem}_{precision}.onnx"
            model = onnx.load(str(path))
            onnx.checker.check_model(model, full_check=True)
            sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
            got = sess.run(["probabilities"], {"features": x.astype(dtype)})[0].astype(np.float64)
            err = float(np.max(np.abs(got - expected)))
            worst = max(worst, err if precision == "float64" else 0.0)
            status = "ok" if err <= tol else "FAIL"
            meta = {p.key: p.value[:40] for p in model.metadata_props}
            print(f"{path.name}: checker ok, max |ORT - BotSec| = {err:.3g} (tol {tol}) {status}; "
                  f"opset {model.opset_import[0].version}, metadata keys {sorted(meta)}")
            if err > tol:
                sys.exit(1)
    for path in sorted(d.glob("imported_*.onnx")):
        model = onnx.load(str(path))
        onnx.checker.check_model(model, full_check=True)
        settings = json.loads({p.key: p.value for p in model.metadata_props}["botsec"])
        print(f"{path.name}: checker ok after import-onnx; settings {settings}")
    print(f"onnx {onnx.__version__}, onnxruntime {ort.__version__}: all exported models agree")


if __name__ == "__main__":
    main(sys.argv[1])
