"""NumPy ClientApp: minibatch SGD on a softmax regression, one local epoch per round."""
import csv
import numpy as np
from flwr.app import ArrayRecord, Context, Message, MetricRecord, RecordDict
from flwr.clientapp import ClientApp

app = ClientApp()


def load(context):
    path = context.node_config["data-path"]
    pid, n = int(context.node_config["partition-id"]), int(context.node_config["num-partitions"])
    with open(path) as f:
        rows = list(csv.reader(f))[1:]
    data = np.array(rows, dtype=float)
    x, y = data[:, :-1] / 16.0, data[:, -1].astype(int)
    order = np.random.default_rng(7).permutation(len(y))
    part = order[pid::n]
    cut = int(0.8 * len(part))
    return x[part[:cut]], y[part[:cut]], x[part[cut:]], y[part[cut:]]


def proba(w, b, x):
    z = x @ w.T + b
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def loss_acc(w, b, x, y):
    p = proba(w, b, x)
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-15, 1)))), float(np.mean(p.argmax(1) == y))


@app.train()
def train(msg: Message, context: Context):
    w, b = msg.content["arrays"].to_numpy_ndarrays()
    dtype = w.dtype  # reply in the dtype the ServerApp sent
    lr = float(msg.content["config"]["lr"])
    xtr, ytr, _, _ = load(context)
    rng = np.random.default_rng(int(msg.metadata.group_id or 0))
    order = rng.permutation(len(ytr))
    for start in range(0, len(order), 32):
        idx = order[start:start + 32]
        g = proba(w, b, xtr[idx])
        g[np.arange(len(idx)), ytr[idx]] -= 1
        w = w - lr * g.T @ xtr[idx] / len(idx)
        b = b - lr * g.mean(axis=0)
    loss, _ = loss_acc(w, b, xtr, ytr)
    content = RecordDict({"arrays": ArrayRecord([w.astype(dtype), b.astype(dtype)]),
                          "metrics": MetricRecord({"train_loss": loss, "num-examples": len(ytr)})})
    return Message(content=content, reply_to=msg)


@app.evaluate()
def evaluate(msg: Message, context: Context):
    w, b = msg.content["arrays"].to_numpy_ndarrays()
    _, _, xte, yte = load(context)
    loss, acc = loss_acc(w, b, xte, yte)
    metrics = MetricRecord({"eval_loss": loss, "eval_acc": acc, "num-examples": len(yte)})
    return Message(content=RecordDict({"metrics": metrics}), reply_to=msg)
