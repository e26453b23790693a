"""FedAvg softmax regression on 8x8 digits (BotSec interop check)."""
