"""PyTorch side of bench/compare: the same workload through autograd, in float64 on the CPU.

    /usr/bin/python3 bench/peers/torch_peer.py --threads T

torch.set_num_threads(T) sets its intra-op pool (and the BLAS it calls). The losses are written
from tensor ops and differentiated by autograd -- what a PyTorch user writes -- so this is the
peer of gradlab's composed (tape) version as well as the target for the fused one.
"""
import argparse

import torch

from common import report, time_it

N, D, C = 5000, 3073, 10


def svm_step(X, W, b, y, rows, delta=1.0):
    W.grad = None
    b.grad = None
    S = X @ W + b
    margins = torch.clamp(S - S[rows, y].unsqueeze(1) + delta, min=0.0)
    margins = margins * (1.0 - torch.nn.functional.one_hot(y, C).to(S.dtype))
    loss = margins.sum() / X.shape[0]
    loss.backward()
    return loss


def softmax_step(X, W, b, y):
    W.grad = None
    b.grad = None
    loss = torch.nn.functional.cross_entropy(X @ W + b, y)
    loss.backward()
    return loss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(1)
    X = torch.randn(N, D, dtype=torch.float64, generator=g)
    W = (1e-3 * torch.randn(D, C, dtype=torch.float64, generator=g)).requires_grad_()
    b = (1e-3 * torch.randn(C, dtype=torch.float64, generator=g)).requires_grad_()
    y = (torch.arange(N) * 7 + 3) % C
    rows = torch.arange(N)
    results = []
    for name, fn in [("svm", lambda: svm_step(X, W, b, y, rows)),
                     ("softmax", lambda: softmax_step(X, W, b, y))]:
        real, cpu = time_it(fn, args.repetitions)
        results.append({"name": name, "real_ms": real, "cpu_ms": cpu})
    report("torch", args.threads, results)


if __name__ == "__main__":
    main()
