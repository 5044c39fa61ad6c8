#!/usr/bin/python3
"""End-to-end: channel-last CNNs written the way tf2onnx writes Keras models.

The models are built here with the onnx Python API (seeded numpy weights,
onnx.checker), in tf2onnx's idiom at opset 13:
  - the input `input_1` is [unk__N, H, W, C] (channels last) with a
    symbolic batch named like tf2onnx's, the output's batch another such
    name, or a batch pinned to 1 (Keras's batch_size=1);
  - each Conv sits between a Transpose perm [0,3,1,2] and a Transpose
    perm [0,2,3,1]; its weights and bias are initializers with TensorFlow's
    names (`StatefulPartitionedCall/model/conv2d/Conv2D/ReadVariableOp:0`,
    '/' and ':' in them), and tensors and nodes are named the same way;
    the intermediate tensors' shapes are recorded (value_info), each
    symbolic batch under a name of its own;
  - "same" padding as auto_pad SAME_UPPER and as the explicit (uneven, for
    a stride of 2) pads tf2onnx computes, a depthwise and a grouped
    convolution, MaxPool between its own Transpose pair and in NCHW between
    the convolution's pair (one with "same" padding);
  - Flatten as a Reshape to [-1, H*W*C] of the channel-last map, Dense as
    MatMul + Add (not Gemm), and a final Softmax or Sigmoid.
The float reference is computed independently with numpy, channels last as
Keras computes (Keras's kernel layouts, TensorFlow's padding rule, plain
loops), and
  - `ariadnec emulate` (float) must agree with it within float rounding,
    and at `auto` (16 bits, calibrated on the same events) within
    AUTO_TOLERANCE;
  - `ariadnec validate` must agree with the emulator: in float on cpp (and
    cuda), and bit for bit on cpp, hls and cuda (nvcc, the GPU when there is
    one, otherwise the same code on the host) at fixed<16,6>,
    fixed<10,4,RND,SAT> and auto (--calibration), on random events plus
    events at and beyond the limits of the types (which must overflow
    something at the fixed precisions), and on verilog (Verilator) at
    fixed<10,4,RND,SAT> for the smaller model;
  - the model with the pinned batch runs with --dynamic-batch; without it,
    as README.md documents for a file whose every dimension is static, one
    row is one event, with the same outputs.
Under CI=true a missing nvcc or verilator fails, naming it; elsewhere it is
skipped, saying so.
Usage: channel_last_models.py ARIADNEC WORKDIR
"""
import concurrent.futures
import math
import os
import shutil
import subprocess
import sys
import time
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_models import (AUTO_TOLERANCE, LIMIT_VALUES,  # noqa: E402
                            NVCC, TOLERANCE, fixed_args, read_csv, write_csv)
from required_tools import (IN_CI, find_tool,  # noqa: E402
                            missing_tool_message)

PRECISIONS = ["fixed<16,6>", "fixed<10,4,RND,SAT>", "auto"]
VERILOG_PRECISION = "fixed<10,4,RND,SAT>"
EVENTS = 40
TO_NCHW, TO_NHWC = [0, 3, 1, 2], [0, 2, 3, 1]
VERILATOR = find_tool("verilator")


# --- the numpy reference, channels last as Keras computes ---------------

def same_pads(size, kernel, stride):
    """TensorFlow's "same" padding of one axis: (before, after)."""
    total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def ref_conv(x, kernel, bias, stride, padding, groups):
    """x [N, H, W, C], kernel [kh, kw, C / groups, O] (Keras's layout),
    padding "same" or "valid"; plain loops over the output positions."""
    n, h, w, c = x.shape
    kh, kw, cg, o = kernel.shape
    og = o // groups
    if padding == "same":
        (t, b), (l, r) = same_pads(h, kh, stride), same_pads(w, kw, stride)
    else:
        t = b = l = r = 0
    xp = np.zeros((n, h + t + b, w + l + r, c))
    xp[:, t:t + h, l:l + w, :] = x
    oh, ow = (h + t + b - kh) // stride + 1, (w + l + r - kw) // stride + 1
    y = np.zeros((n, oh, ow, o))
    for i in range(oh):
        for j in range(ow):
            field = xp[:, i * stride:i * stride + kh,
                       j * stride:j * stride + kw, :]
            for g in range(groups):
                part = field[..., g * cg:(g + 1) * cg]
                for k in range(og):
                    y[:, i, j, g * og + k] = np.sum(
                        part * kernel[..., g * og + k], axis=(1, 2, 3))
    return y + bias


def ref_depthwise(x, kernel, bias, padding):
    """DepthwiseConv2D: kernel [kh, kw, C, multiplier], output channel
    c * multiplier + m."""
    kh, kw, c, m = kernel.shape
    # A grouped convolution with one input channel per group.
    grouped = np.zeros((kh, kw, 1, c * m))
    for ci in range(c):
        for mi in range(m):
            grouped[:, :, 0, ci * m + mi] = kernel[:, :, ci, mi]
    return ref_conv(x, grouped, bias, 1, padding, c)


def ref_maxpool(x, size, stride, padding):
    n, h, w, c = x.shape
    if padding == "same":
        (t, b), (l, r) = same_pads(h, size, stride), same_pads(w, size, stride)
    else:
        t = b = l = r = 0
    xp = np.full((n, h + t + b, w + l + r, c), -np.inf)
    xp[:, t:t + h, l:l + w, :] = x
    oh, ow = (h + t + b - size) // stride + 1, (w + l + r - size) // stride + 1
    y = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            field = xp[:, i * stride:i * stride + size,
                       j * stride:j * stride + size, :]
            y[:, i, j, :] = field.max(axis=(1, 2))
    return y


def relu(x):
    return np.maximum(x, 0)


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# --- the ONNX graph, as tf2onnx writes it -------------------------------

class Tf2OnnxGraph:
    """Nodes, tensors and initializers named the way tf2onnx names a Keras
    model's: a node `StatefulPartitionedCall/model/LAYER/OP`, its output
    the node's name and `:0`."""

    PREFIX = "StatefulPartitionedCall/model/"

    def __init__(self, rng):
        self.rng, self.nodes, self.inits, self.count = rng, [], [], 0

    def weight(self, shape, scale):
        return (self.rng.standard_normal(shape) * scale).astype(np.float32)

    def init(self, name, array):
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op, inputs, name, outputs=None, **attrs):
        """A node named PREFIX + NAME."""
        name = self.PREFIX + name
        outputs = outputs or [name + ":0"]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name,
                                           **attrs))
        return outputs[0]

    def transpose(self, x, perm, name):
        self.count += 1
        return self.node("Transpose", [x], f"{name}__{self.count}",
                         perm=perm)

    def conv(self, x, layer, kernel, bias, op="Conv2D", **attrs):
        """A Conv in NCHW on x (NCHW); kernel in Keras's layout [kh, kw, I,
        O], written as ONNX's [O, I, kh, kw]."""
        prefix = self.PREFIX + layer
        w = self.init(f"{prefix}/{op}/ReadVariableOp:0",
                      np.ascontiguousarray(kernel.transpose(3, 2, 0, 1)))
        b = self.init(f"{prefix}/BiasAdd/ReadVariableOp:0", bias)
        return self.node("Conv", [x, w, b], f"{layer}/{op}",
                         outputs=[f"{prefix}/BiasAdd:0"],
                         kernel_shape=list(kernel.shape[:2]), **attrs)

    def dense(self, x, layer, kernel, bias):
        prefix = self.PREFIX + layer
        w = self.init(f"{prefix}/MatMul/ReadVariableOp:0", kernel)
        b = self.init(f"{prefix}/BiasAdd/ReadVariableOp:0", bias)
        y = self.node("MatMul", [x, w], f"{layer}/MatMul")
        return self.node("Add", [y, b], f"{layer}/BiasAdd")

    def flatten(self, x, size, const):
        shape = self.init(const, np.array([-1, size], np.int64))
        return self.node("Reshape", [x, shape], "flatten/Reshape")

    def model(self, in_shape, out_name, out_shape):
        graph = helper.make_graph(
            self.nodes, "model",
            [helper.make_tensor_value_info("input_1", TensorProto.FLOAT,
                                           in_shape)],
            [helper.make_tensor_value_info(out_name, TensorProto.FLOAT,
                                           out_shape)],
            self.inits)
        model = helper.make_model(
            graph, producer_name="tf2onnx", producer_version="1.9.3",
            opset_imports=[helper.make_opsetid("", 13)])
        # tf2onnx records the shapes of the intermediate tensors too, each
        # symbolic batch under a name of its own.
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
        for number, info in enumerate(inferred.graph.value_info, 40):
            batch = info.type.tensor_type.shape.dim[0]
            if batch.dim_param:
                batch.dim_param = f"unk__{number}"
        model.graph.value_info.extend(inferred.graph.value_info)
        onnx.checker.check_model(model, full_check=True)
        return model


def keras_cnn(rng):
    """An 8x8x2 image: Conv2D(4, (2, 3), padding="same") as auto_pad
    SAME_UPPER (uneven along the height), ReLU; MaxPooling2D(2) between
    its own Transpose pair; ZeroPadding2D(1) (a Pad of the channel-last
    map) and DepthwiseConv2D(3, depth_multiplier=2, padding="valid"),
    ReLU; Flatten (128 values, channels
    last); Dense(8, relu), Dense(3, softmax). Symbolic batch: unk__12 in,
    unk__13 out."""
    g = Tf2OnnxGraph(rng)
    k1, b1 = g.weight((2, 3, 2, 4), 0.4), g.weight((4,), 0.2)
    kd, bd = g.weight((3, 3, 4, 2), 0.4), g.weight((8,), 0.2)
    k3, b3 = g.weight((4 * 4 * 8, 8), 0.15), g.weight((8,), 0.2)
    k4, b4 = g.weight((8, 3), 0.5), g.weight((3,), 0.2)

    x = g.transpose("input_1", TO_NCHW, "conv2d/Conv2D")
    y = g.conv(x, "conv2d", k1, b1, auto_pad="SAME_UPPER",
               strides=[1, 1], dilations=[1, 1], group=1)
    y = g.node("Relu", [y], "conv2d/Relu")
    y = g.transpose(y, TO_NHWC, "conv2d/Relu")
    y = g.transpose(y, TO_NCHW, "max_pooling2d/MaxPool")
    y = g.node("MaxPool", [y], "max_pooling2d/MaxPool",
               kernel_shape=[2, 2], strides=[2, 2])
    y = g.transpose(y, TO_NHWC, "max_pooling2d/MaxPool")
    # ZeroPadding2D(1): a Pad of the channel-last map.
    pads = g.init(g.PREFIX + "zero_padding2d/Pad/paddings:0",
                  np.array([0, 1, 1, 0, 0, 1, 1, 0], dtype=np.int64))
    y = g.node("Pad", [y, pads], "zero_padding2d/Pad")
    y = g.transpose(y, TO_NCHW, "depthwise_conv2d/depthwise")
    # Keras's [kh, kw, C, m] as one input channel per group, output
    # channel c * m + i.
    y = g.conv(y, "depthwise_conv2d", kd.reshape(3, 3, 1, 8), bd,
               op="depthwise", pads=[0, 0, 0, 0], strides=[1, 1],
               dilations=[1, 1], group=4)
    y = g.node("Relu", [y], "depthwise_conv2d/Relu")
    y = g.transpose(y, TO_NHWC, "depthwise_conv2d/Relu")
    y = g.flatten(y, 128, "const_fold_opt__21")
    y = g.dense(y, "dense", k3, b3)
    y = g.node("Relu", [y], "dense/Relu")
    y = g.dense(y, "dense_1", k4, b4)
    g.node("Softmax", [y], "dense_1/Softmax", outputs=["dense_1"], axis=-1)
    model = g.model(["unk__12", 8, 8, 2], "dense_1", ["unk__13", 3])

    def reference(x):  # x [N, 8, 8, 2]
        y = relu(ref_conv(x, k1, b1, 1, "same", 1))
        y = ref_maxpool(y, 2, 2, "valid")
        y = relu(ref_depthwise(y, kd, bd, "same"))
        y = relu(y.reshape(len(x), -1) @ k3 + b3)
        return softmax(y @ k4 + b4)
    return model, (8, 8, 2), reference


def keras_pinned(rng):
    """A 6x6x2 image with the batch pinned to 1: Conv2D(4, 3, strides=2,
    padding="same", groups=2) without an activation, its uneven pads
    explicit, and MaxPooling2D(2, strides=1, padding="same") (auto_pad
    SAME_UPPER, padded with the lowest value) in NCHW between the
    convolution's Transpose pair; Flatten (36 values); Dense(4, relu),
    Dense(2, sigmoid); the output named as TensorFlow names it ('/' and
    ':')."""
    g = Tf2OnnxGraph(rng)
    k1, b1 = g.weight((3, 3, 1, 4), 0.5), g.weight((4,), 0.2)
    k2, b2 = g.weight((36, 4), 0.15), g.weight((4,), 0.2)
    k3, b3 = g.weight((4, 2), 0.4), g.weight((2,), 0.2)
    top, bottom = same_pads(6, 3, 2)
    assert (top, bottom) == (0, 1)

    x = g.transpose("input_1", TO_NCHW, "conv2d/Conv2D")
    y = g.conv(x, "conv2d", k1, b1, pads=[top, top, bottom, bottom],
               strides=[2, 2], dilations=[1, 1], group=2)
    y = g.node("MaxPool", [y], "max_pooling2d/MaxPool",
               kernel_shape=[2, 2], strides=[1, 1], auto_pad="SAME_UPPER")
    y = g.transpose(y, TO_NHWC, "max_pooling2d/MaxPool")
    y = g.flatten(y, 36, "const_fold_opt__9")
    y = g.dense(y, "dense", k2, b2)
    y = g.node("Relu", [y], "dense/Relu")
    y = g.dense(y, "dense_1", k3, b3)
    out = g.node("Sigmoid", [y], "dense_1/Sigmoid")
    model = g.model([1, 6, 6, 2], out, [1, 2])

    def reference(x):  # x [N, 6, 6, 2]
        y = ref_conv(x, k1, b1, 2, "same", 2)
        y = ref_maxpool(y, 2, 1, "same")
        y = relu(y.reshape(len(x), -1) @ k2 + b2)
        return sigmoid(y @ k3 + b3)
    return model, (6, 6, 2), reference


# name, builder, pinned batch, Verilog checked
MODELS = [
    ("keras_cnn", keras_cnn, False, False),
    ("keras_pinned", keras_pinned, True, True),
]


# --- the checks ---------------------------------------------------------

class Failure(Exception):
    pass


def run(args):
    return subprocess.run(args, capture_output=True, text=True)


def compare(got, expected, what):
    """Fails where GOT (rows of a CSV) differs from EXPECTED beyond float
    rounding."""
    got = np.array(got)
    if got.shape != expected.shape:
        raise Failure(f"{what}: outputs of shape {got.shape}, expected "
                      f"{expected.shape}")
    bound = TOLERANCE * np.maximum(1, np.abs(expected))
    excess = np.abs(got - expected) - bound
    if (excess > 0).any():
        i = np.unravel_index(int(excess.argmax()), got.shape)
        raise Failure(f"{what}: at {i}, {got[i]!r} vs {expected[i]!r}")


def emulate(ariadnec, path, events, out, extra):
    """The emulator's outputs on EVENTS, as an array."""
    result = run([ariadnec, "emulate", path, "--input", events, "-o", out]
                 + extra)
    if result.returncode != 0:
        raise Failure(f"emulate {' '.join(extra)} failed: "
                      f"{result.stderr.strip()}")
    return np.array(read_csv(out))


def validate(ariadnec, path, target, events, extra, out_dir=None):
    """validate on TARGET agrees with the emulator (bit for bit in fixed
    point); None or the error."""
    args = [ariadnec, "validate", path, "--target", target, "--input", events]
    if out_dir:
        args += ["-o", out_dir]
    result = run(args + extra)
    text = (result.stdout + result.stderr).strip()
    agreed = ("bit for bit" if "--precision" in extra
              else "agree with the emulator")
    if result.returncode != 0 or agreed not in result.stdout:
        return f"validate {' '.join(extra)} failed: {text}"
    return None


def check_overflow(ariadnec, path, events, args):
    """The limit events overflow something at a fixed precision."""
    result = run([ariadnec, "emulate", path, "--input", events, "-o",
                  os.devnull, "--report-overflow"] + args)
    if result.returncode != 0:
        return "emulate --report-overflow failed: " + result.stderr.strip()
    totals = [line for line in result.stderr.splitlines()
              if line.startswith("overflow:")]
    if len(totals) != 1:
        return "emulate --report-overflow printed no totals: " + result.stderr
    if sum(int(w) for w in totals[0].split() if w.isdigit()) == 0:
        return "events beyond the type limits overflowed nothing: " + totals[0]
    return None


def check_emulator(ariadnec, workdir, name, build, pinned):
    """Writes NAME.onnx and its events, and checks the emulator against
    numpy (float, and auto within AUTO_TOLERANCE) and, for a pinned batch,
    without --dynamic-batch. Returns the model's path, its events and its
    events with the limit events."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    model, shape, reference = build(rng)
    path = os.path.join(workdir, name + ".onnx")
    onnx.save(model, path)

    x = rng.standard_normal((EVENTS,) + shape) * 2
    x[0].fill(3.0)
    x[1].fill(-3.0)
    x = x.astype(np.float32).astype(np.float64)
    expected = reference(x)
    flat = x.reshape(EVENTS, -1).tolist()
    events = os.path.join(workdir, name + "_in.csv")
    write_csv(events, flat)
    limits = os.path.join(workdir, name + "_limits.csv")
    write_csv(limits, flat + [[v] * len(flat[0]) for v in LIMIT_VALUES])

    def out(suffix):
        return os.path.join(workdir, f"{name}_{suffix}.csv")

    batch = ["--dynamic-batch"] if pinned else []
    compare(emulate(ariadnec, path, events, out("float"), batch), expected,
            "emulate (float) vs numpy")
    auto = emulate(ariadnec, path, events, out("auto"),
                   fixed_args("auto", events) + batch)
    worst = np.abs(auto - expected).max()
    if not worst < AUTO_TOLERANCE:
        raise Failure(f"auto differs from numpy by {worst}, not below "
                      f"{AUTO_TOLERANCE}")
    if pinned:
        # Every dimension static: without the option one row is one event,
        # with the same outputs in float and in fixed point.
        compare(emulate(ariadnec, path, events, out("static"), []), expected,
                "emulate without --dynamic-batch vs numpy")
        fixed = ["--precision", PRECISIONS[1]]
        compare(emulate(ariadnec, path, limits, out("fixed_static"), fixed),
                emulate(ariadnec, path, limits, out("fixed"), fixed + batch),
                f"{PRECISIONS[1]} without --dynamic-batch vs with it")
    return path, events, limits


def validate_jobs(ariadnec, workdir, name, pinned, verilog, path, events,
                  limits):
    """(what, thunk) for every validate and overflow check of a model."""
    batch = ["--dynamic-batch"] if pinned else []
    jobs = []
    for target in ["cpp", "cuda"] if NVCC else ["cpp"]:
        jobs.append((f"{name} {target} float", lambda t=target: validate(
            ariadnec, path, t, events, batch)))
    for precision in PRECISIONS:
        args = fixed_args(precision, events) + batch
        for target in ["cpp", "hls"] + (["cuda"] if NVCC else []):
            jobs.append((f"{name} {target} {precision}",
                         lambda t=target, a=args: validate(
                             ariadnec, path, t, limits, a)))
        if precision != "auto":
            jobs.append((f"{name} overflow {precision}",
                         lambda a=args: check_overflow(ariadnec, path, limits,
                                                       a)))
    if verilog and VERILATOR:
        args = fixed_args(VERILOG_PRECISION, events) + batch
        jobs.append((f"{name} verilog {VERILOG_PRECISION}",
                     lambda: validate(ariadnec, path, "verilog", limits, args,
                                      os.path.join(workdir, name + "_rtl"))))
    return jobs


def main():
    ariadnec, workdir = sys.argv[1], sys.argv[2]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    start = time.time()
    passed = failed = 0
    if NVCC:
        print(f"     CUDA packages built with {NVCC}")
    else:
        print(missing_tool_message("nvcc", "CUDA packages"))
        failed += IN_CI
    if not VERILATOR:
        print(missing_tool_message("verilator", "Verilator check"))
        failed += IN_CI

    jobs = []
    for name, build, pinned, verilog in MODELS:
        try:
            files = check_emulator(ariadnec, workdir, name, build, pinned)
        except Failure as error:
            failed += 1
            print(f"FAIL {name}: {error}")
            continue
        passed += 1
        print(f"ok   {name}: the emulator agrees with numpy")
        jobs += validate_jobs(ariadnec, workdir, name, pinned, verilog,
                              *files)
    # The slowest builds (Verilator, nvcc) first.
    jobs.sort(key=lambda j: ("verilog" not in j[0], "cuda" not in j[0]))
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        errors = list(pool.map(lambda j: j[1](), jobs))
    for (what, _), error in zip(jobs, errors):
        if error:
            failed += 1
            print(f"FAIL {what}: {error}")
        else:
            passed += 1
            print(f"ok   {what}")
    print(f"{passed} passed, {failed} failed ({time.time() - start:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
