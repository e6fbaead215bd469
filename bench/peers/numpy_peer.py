"""numpy side of bench/compare: the fused workload of fused_bench, written the usual vectorized
way (two GEMMs around the loss), in float64.

    OPENBLAS_NUM_THREADS=T /usr/bin/python3 bench/peers/numpy_peer.py --threads T

The thread count must be in the environment before numpy loads OpenBLAS; --threads only labels
the output. Inputs are seeded normal numbers of the same shapes as fused_bench's (not the same
numbers: the time of these kernels does not depend on the values).
"""
import argparse

import numpy as np

from common import report, time_it

N, D, C = 5000, 3073, 10


def svm_loss_grad(X, W, b, y, delta=1.0):
    """Multiclass SVM: mean of sum_{j != y} max(0, s_j - s_y + delta); dL/dW, dL/db."""
    n = X.shape[0]
    S = X @ W + b
    rows = np.arange(n)
    margins = np.maximum(0.0, S - S[rows, y][:, None] + delta)
    margins[rows, y] = 0.0
    loss = margins.sum() / n
    dS = (margins > 0).astype(np.float64)
    dS[rows, y] = -dS.sum(axis=1)
    dS /= n
    return loss, X.T @ dS, dS.sum(axis=0)


def softmax_loss_grad(X, W, b, y):
    """Softmax cross-entropy, shifted by the row max; dL/dW, dL/db."""
    n = X.shape[0]
    S = X @ W + b
    S -= S.max(axis=1, keepdims=True)
    E = np.exp(S)
    Z = E.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = np.mean(np.log(Z[:, 0]) - S[rows, y])
    dS = E / Z
    dS[rows, y] -= 1.0
    dS /= n
    return loss, X.T @ dS, dS.sum(axis=0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    X = rng.standard_normal((N, D))
    W = 1e-3 * rng.standard_normal((D, C))
    b = 1e-3 * rng.standard_normal(C)
    y = (np.arange(N) * 7 + 3) % C
    dS = 1e-4 * rng.standard_normal((N, C))
    results = []
    for name, fn in [("svm", lambda: svm_loss_grad(X, W, b, y)),
                     ("softmax", lambda: softmax_loss_grad(X, W, b, y)),
                     ("gemm_scores", lambda: X @ W),
                     ("gemm_grad_w", lambda: X.T @ dS)]:
        real, cpu = time_it(fn, args.repetitions)
        results.append({"name": name, "real_ms": real, "cpu_ms": cpu})
    report("numpy", args.threads, results)


if __name__ == "__main__":
    main()
