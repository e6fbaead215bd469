"""numpy side of train_bench: the same training loop on Fashion-MNIST in float64.

    OPENBLAS_NUM_THREADS=T /usr/bin/python3 bench/peers/numpy_train.py --threads T

Linear softmax classifier, SGD lr 0.5, L2 reg 1e-4 (0.5 reg |W|^2), batch 256, 10 epochs, all
60,000 training images scaled to [0, 1] with the training mean subtracted; W starts as
1e-3 randn, b as 0; the examples are reshuffled every epoch. Prints examples/s over the wall time
of the 10 epochs (loading excluded) and the test accuracy on the 10,000 test images.
"""
import argparse
import gzip
import os
import statistics
import time

import numpy as np

from common import report

LR, REG, BATCH, EPOCHS = 0.5, 1e-4, 256, 10


def load(directory, prefix):
    with gzip.open(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    with gzip.open(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    return images.reshape(-1, 784).astype(np.float64), labels.astype(np.int64)


def train(X, y, seed):
    n, d = X.shape
    rng = np.random.default_rng(seed)
    W = 1e-3 * rng.standard_normal((d, 10))
    b = np.zeros(10)
    for _ in range(EPOCHS):
        order = rng.permutation(n)
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            Xb, yb = X[idx], y[idx]
            m = Xb.shape[0]
            S = Xb @ W + b
            S -= S.max(axis=1, keepdims=True)
            E = np.exp(S)
            dS = E / E.sum(axis=1, keepdims=True)
            dS[np.arange(m), yb] -= 1.0
            dS /= m
            dW = Xb.T @ dS
            dW += REG * W
            W -= LR * dW
            b -= LR * dS.sum(axis=0)
    return W, b


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--repetitions", type=int, default=1)
    parser.add_argument("--data", default=os.environ.get("GRADLAB_FASHION_MNIST_DIR") or
                        "/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()
    X, y = load(args.data, "train")
    Xt, yt = load(args.data, "t10k")
    X /= 255.0
    Xt /= 255.0
    mean = X.mean(axis=0)
    X -= mean
    Xt -= mean
    rates, cpus, accuracy = [], [], 0.0
    for rep in range(args.repetitions):
        r0, c0 = time.perf_counter(), time.process_time()
        W, b = train(X, y, seed=7)
        real = time.perf_counter() - r0
        cpus.append((time.process_time() - c0) * 1e3)
        rates.append(X.shape[0] * EPOCHS / real)
        accuracy = float(np.mean(np.argmax(Xt @ W + b, axis=1) == yt))
    report("numpy", args.threads, [{"name": "train_fashion_mnist", "examples_per_s": statistics.median(rates),
                                    "real_ms": X.shape[0] * EPOCHS / statistics.median(rates) * 1e3,
                                    "cpu_ms": statistics.median(cpus), "test_accuracy": accuracy}])


if __name__ == "__main__":
    main()
