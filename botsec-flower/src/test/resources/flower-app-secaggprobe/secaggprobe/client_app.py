import numpy as np
from flwr.client import ClientApp, NumPyClient
from flwr.client.mod import secaggplus_mod
from flwr.common import Context


class Probe(NumPyClient):
    def fit(self, parameters, config):
        return [p + 0.1 for p in parameters], 10, {}

    def evaluate(self, parameters, config):
        return 0.0, 10, {}


app = ClientApp(client_fn=lambda context: Probe().to_client(), mods=[secaggplus_mod])
