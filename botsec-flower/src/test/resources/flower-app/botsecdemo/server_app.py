"""ServerApp: FedAvg over a softmax regression, weights (10, 64) and intercept (10,), float64."""
import numpy as np
from flwr.app import ArrayRecord, ConfigRecord, Context, Message, RecordDict
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import FedAvg

app = ServerApp()


@app.main()
def main(grid: Grid, context: Context) -> None:
    rounds = int(context.run_config["num-server-rounds"])
    nodes = int(context.run_config["num-nodes"])
    dtype = np.dtype(str(context.run_config.get("dtype", "float64")))
    arrays = ArrayRecord([np.zeros((10, 64), dtype=dtype), np.zeros(10, dtype=dtype)])
    if context.run_config.get("probe-query", False):
        # a message type neither client handles: each must answer with an error reply, not crash
        ids = list(grid.get_node_ids())
        probes = [Message(RecordDict({"config": ConfigRecord({"x": 1})}), dst_node_id=i, message_type="query")
                  for i in ids]
        for reply in grid.send_and_receive(probes, timeout=60):
            print("query reply from node %d: error=%s" % (reply.metadata.src_node_id,
                  reply.error.reason[:120] if reply.has_error() else None))
    if context.run_config.get("probe-int64", False):
        # int64 arrays where the model takes floats: BotSec's client must answer with an error reply, not train
        ids = list(grid.get_node_ids())
        probes = [Message(RecordDict({"arrays": ArrayRecord([np.zeros((10, 64), dtype=np.int64),
                                                             np.zeros(10, dtype=np.int64)]),
                                      "config": ConfigRecord({"lr": 0.1})}), dst_node_id=i, message_type="train")
                  for i in ids]
        for reply in grid.send_and_receive(probes, timeout=60):
            print("int64 train reply from node %d: error=%s" % (reply.metadata.src_node_id,
                  reply.error.reason[:120] if reply.has_error() else None))
    strategy = FedAvg(fraction_train=1.0, fraction_evaluate=1.0, min_train_nodes=nodes,
                      min_evaluate_nodes=nodes, min_available_nodes=nodes)
    result = strategy.start(grid=grid, initial_arrays=arrays, num_rounds=rounds,
                            train_config=ConfigRecord({"lr": float(context.run_config["lr"])}))
    print("evaluate metrics per round:", dict(result.evaluate_metrics_clientapp))
    w, b = result.arrays.to_numpy_ndarrays()
    print("final weights norm %.6f intercept norm %.6f dtypes %s %s" % (np.linalg.norm(w), np.linalg.norm(b),
                                                                        w.dtype, b.dtype))
