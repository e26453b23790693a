#!/usr/bin/python3
"""Exports the small ONNX test models of botsec-onnx with PyTorch and stores PyTorch's own outputs beside them.

Run from the repository root with Debian's interpreter (python3-torch 1.13, no other package):

    /usr/bin/python3 botsec-onnx/src/test/python/export_test_models.py

It writes into botsec-onnx/src/test/resources/onnx/. Everything is seeded, so a rerun on the same torch build
gives the same files. The data are BotSec's shipped built-in sets (breast_cancer, digits8x8; see their
READMEs under botsec-core/src/main/resources/org/botsec/core/data/builtin/).
"""
import csv
import json
import os
import struct

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
BUILTIN = os.path.join(ROOT, "botsec-core", "src", "main", "resources", "org", "botsec", "core", "data", "builtin")
OUT = os.path.join(ROOT, "botsec-onnx", "src", "test", "resources", "onnx")


def read_csv(path, label, scale):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    li = header.index(label)
    names = [h for i, h in enumerate(header) if i != li]
    x = [[float(v) * scale for i, v in enumerate(r) if i != li] for r in rows[1:]]
    y = [int(r[li]) for r in rows[1:]]
    return names, torch.tensor(x, dtype=torch.float64), torch.tensor(y)


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def metadata_entry(key, value):
    """One ModelProto.metadata_props entry (field 14: StringStringEntryProto key=1, value=2), hand-encoded.
    Appending a field to a serialised protobuf message adds it to that message (protobuf encoding rules)."""
    k, v = key.encode(), value.encode()
    body = b"\x0a" + varint(len(k)) + k + b"\x12" + varint(len(v)) + v
    return b"\x72" + varint(len(body)) + body


def export(model, example, name, dtype, input_names, output_names, dynamic, metadata=None, opset=13):
    path = os.path.join(OUT, name)
    torch.onnx.export(model, example, path, input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic, opset_version=opset)
    if metadata:
        with open(path, "ab") as f:
            for k, v in metadata.items():
                f.write(metadata_entry(k, v))
    return path


def golden(model, x, name, note):
    with torch.no_grad():
        y = model(x)
    doc = {"note": note, "torch_version": torch.__version__, "dtype": str(x.dtype).replace("torch.", ""),
           "inputs": x.double().tolist(), "outputs": y.double().tolist()}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(doc, f, indent=None)
        f.write("\n")


class Standardize(torch.nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)

    def forward(self, x):
        return (x - self.mean) / self.std


def train(model, x, y, steps, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return float(loss)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(20261203)

    # 1. breast_cancer: standardise -> 30-8-2 MLP; exported in float32 with a Softmax (probabilities), and
    #    the same weights in float64 without it (logits).
    names, x, y = read_csv(os.path.join(BUILTIN, "breast_cancer", "breast_cancer.csv"), "target", 1.0)
    mean, std = x.mean(0), x.std(0)
    core = torch.nn.Sequential(Standardize(mean.float(), std.float()), torch.nn.Linear(30, 8), torch.nn.Tanh(),
                               torch.nn.Linear(8, 2))
    loss = train(core, x.float(), y, 300, 0.01)
    probs = torch.nn.Sequential(core, torch.nn.Softmax(dim=1)).eval()
    meta = {"class_names": json.dumps(["malignant", "benign"]), "feature_names": json.dumps(names)}
    dyn = {"features": {0: "batch"}, "probabilities": {0: "batch"}}
    export(probs, x[:2].float(), "cancer_mlp_f32_proba.onnx", "float32", ["features"], ["probabilities"], dyn, meta)
    rows = x[::19]  # 30 rows spread over the file
    golden(probs, rows.float(), "cancer_mlp_f32_proba.golden.json",
           "PyTorch float32 softmax outputs of cancer_mlp_f32_proba.onnx on rows 0, 19, 38, ... of breast_cancer")

    logits = core.double().eval()
    dyn = {"features": {0: "batch"}, "logits": {0: "batch"}}
    export(logits, x[:2], "cancer_mlp_f64_logits.onnx", "float64", ["features"], ["logits"], dyn, meta)
    golden(logits, rows, "cancer_mlp_f64_logits.golden.json",
           "PyTorch float64 logits of cancer_mlp_f64_logits.onnx on rows 0, 19, 38, ... of breast_cancer")

    # 2. digits8x8 as images [N, 1, 8, 8]: a tiny CNN, float32, logits; BotSec flattens the 64 pixels.
    pnames, px, py = read_csv(os.path.join(BUILTIN, "digits8x8", "digits8x8.csv"), "label", 1.0 / 16.0)
    cnn = torch.nn.Sequential(torch.nn.Unflatten(1, (1, 8, 8)), torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(),
                              torch.nn.Flatten(), torch.nn.Linear(4 * 6 * 6, 10))
    train(cnn, px.float(), py, 200, 0.01)
    body = cnn[1:].eval()  # the exported graph takes images; BotSec feeds rows reshaped to [N, 1, 8, 8]
    imgs = px.float().reshape(-1, 1, 8, 8)
    dyn = {"image": {0: "batch"}, "logits": {0: "batch"}}
    export(body, imgs[:2], "digits_cnn_f32_logits.onnx", "float32", ["image"], ["logits"], dyn,
           {"feature_names": json.dumps(pnames)})
    golden(body, imgs[::60], "digits_cnn_f32_logits.golden.json",
           "PyTorch float32 logits of digits_cnn_f32_logits.onnx on rows 0, 60, 120, ... of digits8x8 "
           "(inputs flattened to 64 pixels, value/16)")

    # 3. unsupported on purpose: the feature dimension is dynamic too, so BotSec cannot know how wide a row is.
    lin = torch.nn.Linear(4, 2).eval()
    export(lin, torch.zeros(2, 4), "dynamic_features.onnx", "float32", ["x"], ["y"],
           {"x": {0: "batch", 1: "features"}, "y": {0: "batch"}})
    print("trained; final training loss of the breast_cancer MLP: %.4f" % loss)


if __name__ == "__main__":
    main()
