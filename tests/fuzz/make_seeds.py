#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (tests/fuzz/corpus/<target>/): small valid inputs and a
few classic near-misses, in each target's input layout (see the comment atop each fuzz_*.cpp).
Run it from anywhere; it rewrites the seed files in place."""
import os
import struct
import zlib

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    os.makedirs(os.path.join(here, target), exist_ok=True)
    with open(os.path.join(here, target, name), "wb") as f:
        f.write(data)


# ---- IDX: mode byte, u16 BE label-file length, label file, image file ----
def idx_images(n, count=None, rows=28, cols=28, magic=0x803):
    head = struct.pack(">IIII", magic, n if count is None else count, rows, cols)
    return head + bytes((i * 7 + p) % 256 for i in range(n) for p in range(784))


def idx_labels(n, count=None, magic=0x801):
    return struct.pack(">II", magic, n if count is None else count) + bytes(i % 10 for i in range(n))


def idx_input(mode, labels, images):
    return struct.pack(">BH", mode, len(labels)) + labels + images


put("idx", "plain_2", idx_input(0, idx_labels(2), idx_images(2)))
put("idx", "gzip_both_3", idx_input(3, idx_labels(3), idx_images(3)))
put("idx", "count_mismatch", idx_input(0, idx_labels(2), idx_images(3)))
put("idx", "truncated_images", idx_input(0, idx_labels(2), idx_images(2)[:900]))
put("idx", "huge_count", idx_input(0, idx_labels(1, count=1000000), idx_images(1, count=1000000)))
put("idx", "wrong_dims", idx_input(0, idx_labels(1), idx_images(1, rows=27)))
put("idx", "bad_label", idx_input(0, idx_labels(1)[:-1] + b"\x0b", idx_images(1)))
put("idx", "limit_1", idx_input(4, idx_labels(2), idx_images(2)))  # limit = byte 1 + 1 = 1
put("idx", "gzip_as_plain", idx_input(0, idx_labels(2), zlib.compress(idx_images(2))))

# ---- CIFAR-10: mode byte, byte 1, batch-file bytes ----
def record(label, seed):
    return bytes([label]) + bytes((seed * 13 + p) % 256 for p in range(3072))


put("cifar10", "test_2", bytes([1, 0]) + record(3, 1) + record(9, 2))
put("cifar10", "train_5_files", bytes([5 << 1, 0]) + record(0, 1))
put("cifar10", "train_limit", bytes([(5 << 1) | 16, 2]) + record(1, 1) + record(2, 2))
put("cifar10", "cut_record", bytes([1, 0]) + record(3, 1)[:2000])
put("cifar10", "bad_label", bytes([1, 0]) + record(10, 1))

# ---- checkpoints: the file itself (format in optim/checkpoint.hpp) ----
def u64(v):
    return struct.pack("<Q", v)


def string(s):
    return u64(len(s)) + s


def tensors(ts):
    out = u64(len(ts))
    for name, shape, values in ts:
        out += string(name) + u64(len(shape)) + b"".join(u64(d) for d in shape)
        out += b"".join(struct.pack("<d", v) for v in values)
    return out


def payload_of(params, opt_tensors=(), extra=(), epoch=3, kind=b"sgd"):
    payload = u64(epoch) + string(b"5489 1 2 3") + tensors(params) + string(kind) + u64(7)
    return payload + tensors(list(opt_tensors)) + tensors(list(extra))


# Mode byte 0: the file as it is; mode byte 1: a payload the target wraps in header + checksum.
def checkpoint(params, opt_tensors=(), extra=(), version=1, epoch=3, kind=b"sgd"):
    payload = payload_of(params, opt_tensors, extra, epoch, kind)
    return b"\x00GLABCKPT" + struct.pack("<I", version) + u64(len(payload)) + payload + \
        struct.pack("<I", zlib.crc32(payload) & 0xFFFFFFFF)


def wrapped(params, opt_tensors=(), extra=()):
    return b"\x01" + payload_of(params, opt_tensors, extra)


W = (b"W", (2, 3), [0.5, -1.0, 2.0, 0.0, 1e-3, 3.0])
b = (b"b", (3,), [0.1, 0.2, 0.3])
put("checkpoint", "sgd_w_b", checkpoint([W, b]))
put("checkpoint", "momentum", checkpoint([W], opt_tensors=[(b"velocity.0", (2, 3), [0.0] * 6)], kind=b"momentum"))
put("checkpoint", "scalar_and_empty", checkpoint([(b"s", (), [1.5]), (b"e", (0, 4), [])]))
put("checkpoint", "extra", checkpoint([b], extra=[(b"best", (1,), [0.75])]))
put("checkpoint", "nan_param", checkpoint([(b"W", (2,), [float("nan"), 1.0])]))
put("checkpoint", "version_2", checkpoint([b], version=2))
put("checkpoint", "overflow_dims", checkpoint([(b"W", (0, 1 << 63, 1 << 63), [])]))
put("checkpoint", "wrapped_w_b", wrapped([W, b]))
put("checkpoint", "wrapped_momentum", wrapped([W], opt_tensors=[(b"velocity/0", (2, 3), [0.0] * 6)]))
put("checkpoint", "wrapped_overflow", wrapped([(b"W", (1 << 32, 1 << 32), [])]))
put("checkpoint", "wrapped_nan", wrapped([(b"W", (1,), [float("inf")])]))
