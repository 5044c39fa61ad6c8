#!/usr/bin/python3
"""End-to-end tests of `ariadnec train` (frontend/torch).

Usage: train_e2e.py PART --train CMD --ariadnec BIN --sim BIN --work DIR

PART is one of reproducible, emulate, tensorboard, resume, errors,
distributed, qat, cnn, rnn. CMD is the train command (the ariadne-train binary,
or "path/to/ariadnec train"); it is split on blanks. Events come from the
neurotrigger example's simulation, and for cnn from the calorimeter
example's (--calo-sim), and for rnn from straight toy tracks written
here. Every reference is computed here,
independently of the code under test: ONNX forward passes with numpy,
CRC-32C and protobuf decoding of the TensorBoard files by hand.
"""
import argparse
import glob
import os
import shlex
import shutil
import socket
import struct
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

CONFIG = """
[small]
data = "events.csv"
inputs = ["sl*"]
targets = ["z", "theta"]
expert_column = "expert"
experts = [0, 4]
transforms = [
  { kind = "standard", columns = ["sl*"] },
  { kind = "minmax", columns = ["z"], min = -100.0, max = 100.0 },
  { kind = "minmax", columns = ["theta"], min = 0.1745, max = 2.967 },
]
hidden = [16]
activation = "tanh_half"
output_activation = "tanh_half"
epochs = 4
batch_size = 32
learning_rate = 0.005
seed = 9

[small.expert_4]
hidden = [12]

[other_seed]
extends = "small"
seed = 10

[softsign_bn]
extends = "small"
activation = "softsign"
batch_norm = true
hidden = [16, 8]
optimizer = "sgd"
momentum = 0.9
weight_decay = 0.0001
lr_schedule = "cosine"
loss = "huber"
reweight = { column = "z", mean = 0.0, std = 40.0, buckets = 10, min = -100.0, max = 100.0, outer = "infinite" }

[relu_tanh]
extends = "small"
activation = "relu"
output_activation = "tanh"
loss = "l1"
lr_schedule = "exponential"
lr_gamma = 0.8
filters = [{ kind = "any", filters = [{ kind = "range", column = "z", max = -10.0 }, { kind = "range", column = "z", min = 10.0 }] }]

[quantized]
extends = "small"
qat = "fixed<16,6>"
"""

FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print("FAIL:", message)


class Harness:
    def __init__(self, args):
        self.train_cmd = shlex.split(args.train)
        self.ariadnec = args.ariadnec
        self.sim = args.sim
        self.calo_sim = args.calo_sim
        self.work = os.path.abspath(args.work)
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        subprocess.run([args.sim, "-n", "3000", "-s", "5", "-o",
                        os.path.join(self.work, "events.csv")], check=True)
        self.config = os.path.join(self.work, "train.toml")
        with open(self.config, "w") as f:
            f.write(CONFIG)

    def train(self, name, out, *extra, env=None, expect=0):
        cmd = self.train_cmd + [self.config, "--config", name, "-o",
                                os.path.join(self.work, out),
                                "--no-progress", *extra]
        result = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if result.returncode != expect:
            print(result.stdout, result.stderr)
        check(result.returncode == expect,
              f"{' '.join(cmd)} exited {result.returncode}, expected {expect}")
        return result

    def run_dir(self, out, name):
        return os.path.join(self.work, out, name)


def read_csv(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            rows.append([float(v) for v in line.split(",")])
    return np.array(rows, dtype=np.float64)


def onnx_forward(path, inputs):
    """The model's outputs by numpy, from the ONNX graph."""
    model = onnx.load(path)
    onnx.checker.check_model(model)
    weights = {t.name: numpy_helper.to_array(t).astype(np.float64)
               for t in model.graph.initializer}
    values = {model.graph.input[0].name: inputs.astype(np.float32)
              .astype(np.float64)}
    for node in model.graph.node:
        x = [values[n] if n in values else weights[n] for n in node.input]
        attrs = {a.name: a for a in node.attribute}
        if node.op_type == "Reshape":
            y = x[0].reshape([v if v != 0 else x[0].shape[i]
                              for i, v in enumerate(x[1].astype(int))])
        elif node.op_type == "Flatten":
            y = x[0].reshape(x[0].shape[0], -1)
        elif node.op_type == "Conv":
            y = conv_forward(x[0], x[1], x[2], attrs["strides"].ints[0],
                             attrs["pads"].ints[0])
        elif node.op_type in ("MaxPool", "AveragePool"):
            k = attrs["kernel_shape"].ints[0]
            spatial = x[0].shape[2:]
            cut = x[0][(slice(None), slice(None)) +
                       tuple(slice(0, s // k * k) for s in spatial)]
            shape = list(cut.shape[:2])
            for s in spatial:
                shape += [s // k, k]
            blocks = cut.reshape(shape)
            axes = tuple(range(3, blocks.ndim, 2))
            y = (blocks.max(axis=axes) if node.op_type == "MaxPool"
                 else blocks.mean(axis=axes))
        elif node.op_type == "Gemm":
            b = x[1].T if attrs.get("transB") and attrs["transB"].i else x[1]
            y = x[0] @ b + x[2]
        elif node.op_type == "Mul":
            y = x[0] * x[1]
        elif node.op_type == "Tanh":
            y = np.tanh(x[0])
        elif node.op_type == "Softsign":
            y = x[0] / (1 + np.abs(x[0]))
        elif node.op_type == "Relu":
            y = np.maximum(x[0], 0)
        elif node.op_type == "BatchNormalization":
            eps = attrs["epsilon"].f
            per = (-1,) + (1,) * (x[0].ndim - 2)
            y = ((x[0] - x[3].reshape(per)) / np.sqrt(x[4].reshape(per) + eps)
                 * x[1].reshape(per) + x[2].reshape(per))
        else:
            raise AssertionError(f"unexpected op {node.op_type}")
        values[node.output[0]] = y
    return values[model.graph.output[0].name]


def conv_forward(x, w, b, stride, pad):
    """Convolution of [N, C, *spatial] by [M, C, *kernel], in loops over
    the kernel taps."""
    rank = x.ndim - 2
    x = np.pad(x, [(0, 0), (0, 0)] + [(pad, pad)] * rank)
    kernel = w.shape[2:]
    out = [(x.shape[2 + d] - kernel[d]) // stride + 1 for d in range(rank)]
    y = np.zeros([x.shape[0], w.shape[0]] + out)
    for tap in np.ndindex(*kernel):
        window = x[(slice(None), slice(None)) + tuple(
            slice(tap[d], tap[d] + stride * (out[d] - 1) + 1, stride)
            for d in range(rank))]
        y += np.einsum("nc...,mc->nm...", window, w[(slice(None), slice(None))
                                                    + tap])
    return y + b.reshape((-1,) + (1,) * rank)


def part_reproducible(h):
    h.train("small", "a")
    h.train("small", "b")
    h.train("other_seed", "c")
    for expert in (0, 4):
        a = open(os.path.join(h.run_dir("a", "small"),
                              f"expert_{expert}.onnx"), "rb").read()
        b = open(os.path.join(h.run_dir("b", "small"),
                              f"expert_{expert}.onnx"), "rb").read()
        c = open(os.path.join(h.run_dir("c", "other_seed"),
                              f"expert_{expert}.onnx"), "rb").read()
        check(a == b, f"expert {expert}: two runs gave different ONNX bytes")
        check(a != c, f"expert {expert}: another seed gave the same model")
    # The resolved configuration is saved and trains to the same bytes.
    saved = os.path.join(h.run_dir("a", "small"), "config.toml")
    check(os.path.exists(saved), "no config.toml in the run folder")
    check(os.path.exists(os.path.join(h.run_dir("a", "small"),
                                      "transforms.toml")),
          "no transforms.toml in the run folder")
    cmd = h.train_cmd + [saved, "-o", os.path.join(h.work, "d"), "--quiet"]
    subprocess.run(cmd, check=True)
    d = open(os.path.join(h.work, "d", "small", "expert_0.onnx"), "rb").read()
    a = open(os.path.join(h.run_dir("a", "small"), "expert_0.onnx"),
             "rb").read()
    check(a == d, "training the saved config.toml gave other bytes")


def part_emulate(h):
    for name in ("small", "softsign_bn", "relu_tanh"):
        h.train(name, "runs")
        folder = h.run_dir("runs", name)
        for expert in (0, 4):
            model = os.path.join(folder, f"expert_{expert}.onnx")
            inputs = os.path.join(folder, f"expert_{expert}_inputs.csv")
            torch_out = read_csv(os.path.join(folder,
                                              f"expert_{expert}_outputs.csv"))
            compare_emulated(h, f"{name}/{expert}", model, inputs, torch_out)
            ref = onnx_forward(model, read_csv(inputs))
            diff = np.max(np.abs(ref - torch_out))
            check(diff <= 1e-5,
                  f"{name}/{expert}: numpy forward differs by {diff}")
            if name == "small":
                ops = [n.op_type for n in onnx.load(model).graph.node]
                check(ops == ["Gemm", "Mul", "Tanh", "Gemm", "Mul", "Tanh"],
                      f"unexpected graph {ops}")
    # The predictions in physical units invert the target transforms.
    pred = read_csv(os.path.join(h.run_dir("runs", "small"),
                                 "expert_0_predictions.csv"))
    out = read_csv(os.path.join(h.run_dir("runs", "small"),
                                "expert_0_outputs.csv"))
    check(np.allclose(pred[:, 2], out[:, 0] * 100.0, atol=1e-4),
          "predicted z is not the output scaled back to cm")
    res = np.std(pred[:, 2] - pred[:, 0])
    print(f"small expert 0: z resolution (std) {res:.2f} cm")
    check(res < 0.5 * np.std(pred[:, 0]), "the model did not learn z")


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def fields(data):
    """(field number, wire type, value) of a protobuf message."""
    pos = 0
    while pos < len(data):
        key, pos = varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        elif wire == 2:
            length, pos = varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        else:
            raise AssertionError(f"wire type {wire}")
        yield number, wire, value


def read_events(path):
    data = open(path, "rb").read()
    pos, events = 0, []
    while pos < len(data):
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        check(length_crc == masked(crc32c(header)), "bad length CRC")
        body = data[pos + 12:pos + 12 + length]
        (body_crc,) = struct.unpack("<I", data[pos + 12 + length:
                                               pos + 16 + length])
        check(body_crc == masked(crc32c(body)), "bad data CRC")
        pos += 16 + length
        event = {"values": {}}
        for number, wire, value in fields(body):
            if number == 1 and wire == 1:
                event["wall_time"] = struct.unpack("<d", value)[0]
            elif number == 2 and wire == 0:
                event["step"] = value
            elif number == 3 and wire == 2:
                event["file_version"] = value.decode()
            elif number == 5 and wire == 2:
                for n, w, entry in fields(value):
                    check(n == 1 and w == 2, "summary field is not a value")
                    tag = simple = None
                    for n2, w2, v2 in fields(entry):
                        if n2 == 1:
                            tag = v2.decode()
                        elif n2 == 2 and w2 == 5:
                            simple = struct.unpack("<f", v2)[0]
                    event["values"][tag] = simple
        events.append(event)
    check(pos == len(data), "trailing bytes in the event file")
    return events


def part_tensorboard(h):
    h.train("small", "runs")
    folder = h.run_dir("runs", "small")
    metrics = {}
    with open(os.path.join(folder, "metrics.csv")) as f:
        header = f.readline().strip().split(",")
        check(header[:5] == ["expert", "epoch", "train_loss", "val_loss",
                             "learning_rate"], f"metrics header {header}")
        for line in f:
            row = line.strip().split(",")
            metrics[(int(row[0]), int(row[1]))] = [float(v) for v in row[2:5]]
    check(len(metrics) == 8, f"{len(metrics)} metric rows, expected 2 x 4")
    for expert in (0, 4):
        files = glob.glob(os.path.join(folder, "tensorboard",
                                       f"expert_{expert}",
                                       "events.out.tfevents.*"))
        check(len(files) == 1, f"expert {expert}: {len(files)} event files")
        if not files:
            continue
        events = read_events(files[0])
        check(events[0].get("file_version") == "brain.Event:2",
              "the first event is not the file version")
        steps = [e for e in events[1:]]
        check([e["step"] for e in steps] == [1, 2, 3, 4],
              f"steps {[e.get('step') for e in steps]}")
        for e in steps:
            train, val, rate = metrics[(expert, e["step"])]
            f32 = lambda v: struct.unpack("<f", struct.pack("<f", v))[0]
            prefix = f"expert_{expert}/"
            check(e["values"].get(prefix + "loss/train") == f32(train),
                  f"train loss of step {e['step']}")
            check(e["values"].get(prefix + "loss/validation") == f32(val),
                  f"validation loss of step {e['step']}")
            check(e["values"].get(prefix + "learning_rate") == f32(rate),
                  f"learning rate of step {e['step']}")
            check(e["wall_time"] > 1.6e9, "wall time is not a Unix time")
    print(f"read {len(metrics)} epochs back from the TensorBoard files")


def part_resume(h):
    h.train("softsign_bn", "full")
    h.train("softsign_bn", "split", "--stop-after", "2")
    folder = h.run_dir("split", "softsign_bn")
    check(not glob.glob(os.path.join(folder, "*.onnx")),
          "an interrupted run wrote models")
    check(os.path.exists(os.path.join(folder, "checkpoints", "expert_0.pt")),
          "no checkpoint after --stop-after")
    # Checkpoints made from other events are not resumed.
    other = os.path.join(h.work, "other.csv")
    subprocess.run([h.sim, "-n", "3000", "-s", "6", "-o", other], check=True)
    result = h.train("softsign_bn", "split", "--resume", "--data", other,
                     expect=1)
    check("other hyperparameters or data" in result.stderr,
          f"no checkpoint mismatch error: {result.stderr!r}")
    h.train("softsign_bn", "split", "--resume")
    for expert in (0, 4):
        a = open(os.path.join(h.run_dir("full", "softsign_bn"),
                              f"expert_{expert}.onnx"), "rb").read()
        b = open(os.path.join(folder, f"expert_{expert}.onnx"), "rb").read()
        check(a == b, f"expert {expert}: the resumed run differs")
    # A finished run resumes to the same models again.
    h.train("softsign_bn", "split", "--resume")
    b = open(os.path.join(folder, "expert_0.onnx"), "rb").read()
    a = open(os.path.join(h.run_dir("full", "softsign_bn"), "expert_0.onnx"),
             "rb").read()
    check(a == b, "resuming a finished run changed it")


def part_errors(h):
    def expect_error(text, out, needles, config_name="bad", code=1):
        path = os.path.join(h.work, f"{out}.toml")
        with open(path, "w") as f:
            f.write(text)
        cmd = h.train_cmd + [path, "--config", config_name, "-o",
                             os.path.join(h.work, out)]
        result = subprocess.run(cmd, capture_output=True, text=True)
        check(result.returncode == code,
              f"{out}: exit {result.returncode}, expected {code}")
        lines = result.stderr.strip().splitlines()
        check(len(lines) == 1 and lines[0].startswith("ariadnec: error: "),
              f"{out}: stderr is not one error line: {result.stderr!r}")
        for needle in needles:
            check(needle.replace("PATH", path) in result.stderr,
                  f"{out}: '{needle}' not in {result.stderr!r}")
        check(not os.path.exists(os.path.join(h.work, out)),
              f"{out}: a run folder was left behind")

    events = os.path.join(h.work, "events.csv")
    base = (f'[bad]\ndata = "{events}"\ninputs = ["sl*"]\n'
            'targets = ["z"]\nexpert_column = "expert"\n')
    expect_error(base + "hiden = [8]\n", "unknown_key",
                 ["PATH:6:", "unknown key 'hiden'"])
    expect_error(base + 'extends = "other"\n[other]\nextends = "bad"\n',
                 "cycle", ["PATH:8:", "cycle in 'extends': bad -> other -> "
                                      "bad"])
    expect_error(base.replace('["z"]', '["vertex_z"]'), "no_column",
                 ["no column 'vertex_z'"])
    expect_error(base + "experts = [7]\n", "no_expert",
                 ["no event of expert 7"])
    expect_error(base + "[bad.expert_1]\nactivation = \"swish\"\n",
                 "bad_value", ["PATH:7:", "unknown value 'swish'"])
    expect_error(base, "no_such_config", ["no configuration 'nope'"],
                 config_name="nope")
    # A data file with a header and no rows is said to be empty, not
    # filtered away.
    with open(events) as f:
        header = f.readline()
    empty = os.path.join(h.work, "empty.csv")
    with open(empty, "w") as f:
        f.write(header)
    expect_error(base.replace(events, empty), "empty_data",
                 [f"{empty}: the file has no events (no data rows)"])
    # A command-line error exits 2.
    result = subprocess.run(h.train_cmd + ["--epochs", "3"],
                            capture_output=True, text=True)
    check(result.returncode == 2, f"bad option exit {result.returncode}")
    # An existing run is not overwritten.
    h.train("small", "twice")
    result = h.train("small", "twice", expect=1)
    check("--resume" in result.stderr, "no hint to --resume")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def part_distributed(h):
    port = str(free_port())
    procs = []
    for rank in (0, 1):
        env = dict(os.environ, RANK=str(rank), WORLD_SIZE="2",
                   MASTER_ADDR="127.0.0.1", MASTER_PORT=port)
        cmd = h.train_cmd + [h.config, "--config", "softsign_bn", "-o",
                             os.path.join(h.work, "ddp"), "--all-ranks",
                             "--no-progress"]
        procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True))
    for rank, proc in enumerate(procs):
        out, _ = proc.communicate(timeout=240)
        print(f"rank {rank}:", out.strip())
        check(proc.returncode == 0, f"rank {rank} exited {proc.returncode}")
    folder = h.run_dir("ddp", "softsign_bn")
    for expert in (0, 4):
        a = onnx.load(os.path.join(folder, f"expert_{expert}.onnx"))
        b = onnx.load(os.path.join(folder, "rank_1",
                                   f"expert_{expert}.onnx"))
        wa = {t.name: numpy_helper.to_array(t) for t in a.graph.initializer}
        wb = {t.name: numpy_helper.to_array(t) for t in b.graph.initializer}
        check(wa.keys() == wb.keys(), "ranks have different tensors")
        for name in wa:
            check(np.array_equal(wa[name], wb[name]),
                  f"expert {expert}: {name} differs between the ranks")
    # The group learns as one process does.
    h.train("softsign_bn", "single")
    single = read_csv(os.path.join(h.run_dir("single", "softsign_bn"),
                                   "expert_0_predictions.csv"))
    ddp = read_csv(os.path.join(folder, "expert_0_predictions.csv"))
    res_single = np.std(single[:, 2] - single[:, 0])
    res_ddp = np.std(ddp[:, 2] - ddp[:, 0])
    print(f"z resolution: one process {res_single:.2f}, two {res_ddp:.2f}")
    check(abs(res_single - res_ddp) < 0.25 * res_single,
          "two processes learn differently from one")


def part_qat(h):
    h.train("quantized", "runs")
    folder = h.run_dir("runs", "quantized")
    model = onnx.load(os.path.join(folder, "expert_0.onnx"))
    step = 2.0 ** -10
    for tensor in model.graph.initializer:
        if tensor.name == "half":
            continue
        values = numpy_helper.to_array(tensor).astype(np.float64)
        check(np.all(values / step == np.round(values / step)),
              f"{tensor.name} is not on the fixed<16,6> grid")
        check(np.all((values >= -32) & (values < 32)),
              f"{tensor.name} is out of the fixed<16,6> range")
    emulated = os.path.join(h.work, "fixed.csv")
    subprocess.run([h.ariadnec, "emulate", os.path.join(folder,
                                                        "expert_0.onnx"),
                    "--precision", "fixed<16,6>", "--input",
                    os.path.join(folder, "expert_0_inputs.csv"), "-o",
                    emulated], check=True)
    emu = read_csv(emulated)
    qat = read_csv(os.path.join(folder, "expert_0_outputs.csv"))
    diff = np.max(np.abs(emu - qat))
    print(f"fixed<16,6> emulator vs QAT forward: max difference {diff:.3g}")
    # The emulator's tanh tables differ from the exact tanh of training.
    check(diff < 0.05, f"the QAT forward is far from fixed<16,6>: {diff}")


CNN_CONFIG = """
[image]
data = "calo.csv"
inputs = ["tower_*"]
input_shape = [1, 8, 8]
targets = ["energy", "x", "y"]
transforms = [
  { kind = "minmax", columns = ["tower_*"], min = 0.0, max = 64.0, low = 0.0, high = 1.0 },
  { kind = "minmax", columns = ["energy"], min = 0.0, max = 100.0 },
]
conv = [
  { channels = 4, kernel = 3, padding = 1, pool = 2, pool_kind = "avg" },
  { channels = 6, kernel = 3, stride = 2, padding = 1, pool = 2 },
]
hidden = [12]
activation = "relu"
output_activation = "none"
batch_norm = true
epochs = 3
batch_size = 64
learning_rate = 0.003
seed = 4

[rows]
extends = "image"
input_shape = [8, 8]
conv = [{ channels = 5, kernel = 3, padding = 1, pool = 2 }]
batch_norm = false
activation = "tanh"
"""


def compare_emulated(h, label, model, inputs, torch_out):
    """The float emulator on the run's validation inputs against LibTorch's
    outputs (more than 50 events, same shape, within 1e-5)."""
    emulated = os.path.join(h.work, label.replace("/", "_") + "_emulated.csv")
    subprocess.run([h.ariadnec, "emulate", model, "--input", inputs,
                    "-o", emulated], check=True)
    emu = read_csv(emulated)
    check(emu.shape == torch_out.shape and len(emu) > 50,
          f"{label}: shapes {emu.shape} {torch_out.shape}")
    if emu.shape == torch_out.shape:
        diff = np.max(np.abs(emu - torch_out))
        print(f"{label}: |emulator - LibTorch| max {diff:.3g} over "
              f"{len(emu)} events")
        # LibTorch picks its sgemm and tanh kernels per CPU: the bound is
        # absolute (outputs near 0) and leaves room for other machines
        # (2e-7 measured here).
        check(diff <= 1e-5, f"{label}: emulator differs by {diff}")


def check_trained(h, name, ops):
    """Trains configuration `name` and checks its run: the exported graph's
    op types are `ops`, the float emulator agrees with LibTorch's outputs
    and the fixed-point C++ package with the emulator. Returns the model's
    path, its inputs' path and LibTorch's outputs."""
    h.train(name, "runs")
    folder = h.run_dir("runs", name)
    model = os.path.join(folder, "expert_0.onnx")
    inputs = os.path.join(folder, "expert_0_inputs.csv")
    graph = [n.op_type for n in onnx.load(model).graph.node]
    check(graph == ops, f"{name}: unexpected graph {graph}")
    torch_out = read_csv(os.path.join(folder, "expert_0_outputs.csv"))
    compare_emulated(h, name, model, inputs, torch_out)
    # Calibrated: a layer norm's and a division's tables span the ranges
    # calibration records (the other layers ignore them at a fixed type).
    result = subprocess.run([h.ariadnec, "validate", model, "--target", "cpp",
                             "--precision", "fixed<16,6,RND,SAT>", "--input",
                             inputs, "--calibration", inputs],
                            capture_output=True, text=True)
    check(result.returncode == 0 and "bit for bit" in result.stdout,
          f"{name}: validate failed: {result.stderr}")
    return model, inputs, torch_out


def check_refused(h, cases):
    """Each (configuration, message): training fails saying the message and
    leaves no run folder."""
    for name, message in cases:
        result = h.train(name, "refused", expect=1)
        check(message in result.stderr,
              f"{name}: the error does not say '{message}': "
              f"{result.stderr.strip()}")
        check(not os.path.exists(h.run_dir("refused", name)),
              f"{name}: a refused run left its folder")


def part_cnn(h):
    """A 2-D and a 1-D convolutional front: LibTorch, the float emulator
    and numpy agree; the fixed-point package agrees with the emulator."""
    check(h.calo_sim is not None, "part cnn needs --calo-sim")
    if h.calo_sim is None:
        return
    subprocess.run([h.calo_sim, "-n", "2000", "-s", "3", "-o",
                    os.path.join(h.work, "calo.csv")], check=True)
    h.config = os.path.join(h.work, "cnn.toml")
    with open(h.config, "w") as f:
        f.write(CNN_CONFIG)
    for name, ops in (("image", ["Reshape", "Conv", "BatchNormalization",
                                 "Relu", "AveragePool", "Conv",
                                 "BatchNormalization", "Relu", "MaxPool",
                                 "Flatten", "Gemm", "BatchNormalization",
                                 "Relu", "Gemm"]),
                      ("rows", ["Reshape", "Conv", "Tanh", "MaxPool",
                                "Flatten", "Gemm", "Tanh", "Gemm"])):
        model, inputs, torch_out = check_trained(h, name, ops)
        ref = onnx_forward(model, read_csv(inputs))
        diff = np.max(np.abs(ref - torch_out))
        check(diff <= 1e-5, f"{name}: numpy forward differs by {diff}")


STEPS = 5
RNN_CONFIG = """
[tracknet]
data = "tracks.csv"
inputs = [%s]
targets = [%s]
input_shape = [%d, 3]
transforms = [{ kind = "standard", columns = ["*_phi", "*_z"] }]
hidden = []
recurrent = { cell = "gru", hidden = 8, layers = 2 }
conv = [{ channels = 4, kernel = 1 }]
batch_norm = true
activation = "relu"
loss = "tracknet"
ellipse_weight = 0.5
epochs = 6
batch_size = 64
learning_rate = 0.01
seed = 5

[lstm]
extends = "tracknet"
recurrent = { cell = "lstm", hidden = 6, layers = 1 }
conv = []
batch_norm = false
loss = "mse"

[no_recurrent]
extends = "tracknet"
recurrent = { cell = "none" }
hidden = [8]

[with_hidden]
extends = "tracknet"
hidden = [8]

[image_shape]
extends = "tracknet"
input_shape = [5, 3, 1]

[odd_targets]
extends = "tracknet"
targets = ["s1_phi", "s1_z", "s2_phi"]

[looks_ahead]
extends = "tracknet"
conv = [{ channels = 4, kernel = 3, padding = 1 }]
""" % (", ".join(f'"s{s}_*"' for s in range(STEPS)),
       ", ".join(f'"s{s}_{c}"' for s in range(1, STEPS + 1)
                 for c in ("phi", "z")),
       STEPS)


def write_tracks(path, count):
    """Toy tracks: a hit (r, phi, z) on each of STEPS + 1 stations, phi and
    z linear in r with Gaussian smearing."""
    rng = np.random.default_rng(11)
    with open(path, "w") as f:
        f.write(",".join(f"s{s}_{c}" for s in range(STEPS + 1)
                         for c in ("r", "phi", "z")) + "\n")
        for _ in range(count):
            phi0, bend = rng.uniform(-3, 3), rng.uniform(-0.01, 0.01)
            z0, slope = rng.normal(0, 5), rng.uniform(-1, 1)
            row = []
            for s in range(STEPS + 1):
                r = 20.0 + 12 * s
                row += [r, phi0 + bend * r + rng.normal(0, 0.002),
                        z0 + slope * r + rng.normal(0, 0.1)]
            f.write(",".join(f"{v:.7g}" for v in row) + "\n")


def part_rnn(h):
    """Sequence models: a Conv1d front, a 2-layer GRU and the TrackNet
    ellipse heads, and an LSTM with per-step MSE heads: the exported graph,
    LibTorch against the float emulator, the fixed-point C++ package
    against the emulator, positive radii, a falling loss, and the refused
    configurations."""
    write_tracks(os.path.join(h.work, "tracks.csv"), 2000)
    h.config = os.path.join(h.work, "rnn.toml")
    with open(h.config, "w") as f:
        f.write(RNN_CONFIG)
    gru_ops = (["Reshape", "Transpose", "Conv", "BatchNormalization", "Relu",
                "Transpose"] + ["Transpose", "GRU", "Squeeze", "Transpose"] * 2
               + ["MatMul", "Add", "Slice", "Slice", "Softplus", "Concat",
                  "Reshape"])
    lstm_ops = (["Reshape", "Transpose", "LSTM", "Squeeze", "Transpose",
                 "MatMul", "Add", "Reshape"])
    for name, ops, width in (("tracknet", gru_ops, 4 * STEPS),
                             ("lstm", lstm_ops, 2 * STEPS)):
        _, _, torch_out = check_trained(h, name, ops)
        folder = h.run_dir("runs", name)
        check(torch_out.shape[1:] == (width,),
              f"{name}: {torch_out.shape} outputs, expected {width} per event")
        if name == "tracknet":
            radii = torch_out.reshape(len(torch_out), STEPS, 4)[:, :, 2:]
            check(bool((radii > 0).all()), "tracknet: a radius is not > 0")
            with open(os.path.join(folder, "metrics.csv")) as f:
                val = [float(line.split(",")[3]) for line in f.readlines()[1:]]
            check(len(val) == 6 and val[-1] < val[0],
                  f"tracknet: validation loss did not fall: {val}")
    check_refused(h, (
            ("no_recurrent", "needs recurrent layers"),
            ("with_hidden", "set 'hidden = []'"),
            ("image_shape", "needs the global 'input_shape' [T, F]"),
            ("odd_targets", "are not 2 (the next hit) for each of the 5 "
                            "steps"),
            ("looks_ahead", "must not look ahead: kernel 1, stride 1")))


HITS = 8
TRANSFORMER_CONFIG = """
[hits]
data = "hit_sets.csv"
inputs = ["h*"]
targets = ["angle"]
input_shape = [%d, 3]
transformer = { width = 8, heads = 2, layers = 1, ff = 16 }
hidden = [8]
activation = "relu"
epochs = 5
batch_size = 64
learning_rate = 0.005
seed = 7

[pre_max]
extends = "hits"
transformer = { width = 8, heads = 1, layers = 2, norm = "pre", pooling = "max" }

[odd_heads]
extends = "hits"
transformer = { width = 8, heads = 3 }

[with_conv]
extends = "hits"
conv = [{ channels = 4, kernel = 1 }]

[image_shape]
extends = "hits"
input_shape = [2, 4, 3]
""" % HITS


def write_hit_sets(path, count):
    """Toy hit sets: 3 to HITS hits (x, y, mask) along a straight track
    from the origin at an angle in [-1, 1], smeared, padding after them;
    the target is the angle."""
    rng = np.random.default_rng(5)
    with open(path, "w") as f:
        f.write(",".join(f"h{i}_{c}" for i in range(HITS)
                         for c in ("x", "y", "m")) + ",angle\n")
        for _ in range(count):
            angle, hits = rng.uniform(-1, 1), rng.integers(3, HITS + 1)
            row = []
            for i in range(HITS):
                if i < hits:
                    r = 1.0 + i
                    row += [r * np.cos(angle) + rng.normal(0, 0.05),
                            r * np.sin(angle) + rng.normal(0, 0.05), 1.0]
                else:
                    row += [0.0, 0.0, 0.0]
            f.write(",".join(f"{v:.7g}" for v in row + [angle]) + "\n")


def part_transformer(h):
    """Transformer encoders over masked hit sets (post-norm with mean
    pooling, pre-norm with max pooling over two layers): the exported graph,
    LibTorch against the float emulator, the fixed-point C++ package against
    the emulator, auto at 18 bits close to LibTorch, and the refused
    configurations."""
    write_hit_sets(os.path.join(h.work, "hit_sets.csv"), 3000)
    h.config = os.path.join(h.work, "transformer.toml")
    with open(h.config, "w") as f:
        f.write(TRANSFORMER_CONFIG)
    front = ["Reshape", "Slice", "Slice", "Sub", "Mul", "Reshape", "MatMul",
             "Add"]
    attention = (["MatMul", "Add", "Split"] + ["Reshape", "Transpose"] * 3 +
                 ["MatMul", "Mul", "Add", "Softmax", "MatMul", "Transpose",
                  "Reshape", "MatMul", "Add", "Add"])
    feed_forward = ["MatMul", "Add", "Div", "Erf", "Add", "Mul", "Mul",
                    "MatMul", "Add", "Add"]
    post = attention + ["LayerNormalization"] + feed_forward + [
        "LayerNormalization"]
    pre = (["LayerNormalization"] + attention + ["LayerNormalization"] +
           feed_forward)
    head = ["Gemm", "Relu", "Gemm"]
    for name, ops in (
            ("hits", front + post + ["Mul", "ReduceSum", "ReduceSum", "Clip",
                                     "Div"] + head),
            ("pre_max", front + pre * 2 + ["Add", "ReduceMax"] + head)):
        model, inputs, torch_out = check_trained(h, name, ops)
        if name == "hits":
            auto = os.path.join(h.work, name + "_auto.csv")
            subprocess.run([h.ariadnec, "emulate", model, "--input", inputs,
                            "-o", auto, "--precision", "auto", "--max-width",
                            "18", "--calibration", inputs], check=True)
            diff = np.max(np.abs(read_csv(auto) - torch_out))
            print(f"{name}: |auto (18 bits) - LibTorch| max {diff:.3g}")
            check(diff < 5e-2, f"{name}: auto differs from LibTorch by {diff}")
    check_refused(h, (
            ("odd_heads", "does not split into 3 heads"),
            ("with_conv", "does not combine with 'conv' or 'recurrent'"),
            ("image_shape", "needs the global 'input_shape' [N, F]")))


GRAPH_CONFIG = """
[graph]
data = "graph_hits.csv"
edges = "graph_edges.csv"
inputs = ["r", "phi", "z"]
targets = ["truth"]
transforms = [{ kind = "standard", columns = ["z"] }]
graph = { max_nodes = 16, max_edges = 24, iterations = 2 }
hidden = [8, 8]
activation = "relu"
loss = "bce"
pos_weight = 2.0
epochs = 6
batch_size = 32
learning_rate = 0.01
seed = 3

[incidence]
extends = "graph"
graph = { max_nodes = 16, max_edges = 24, iterations = 2, style = "incidence" }

[small_nodes]
extends = "graph"
graph = { max_nodes = 4, max_edges = 24 }

[small_edges]
extends = "graph"
graph = { max_nodes = 16, max_edges = 2 }

[mse]
extends = "graph"
loss = "mse"

[with_sigmoid]
extends = "graph"
output_activation = "sigmoid"

[with_transformer]
extends = "graph"
transformer = { width = 8 }

[two_labels]
extends = "graph"
targets = ["truth", "source"]

[no_edges_file]
data = "graph_hits.csv"
inputs = ["r", "phi", "z"]
targets = ["truth"]
graph = { max_nodes = 16, max_edges = 24 }
loss = "bce"

[bad_edges]
extends = "graph"
edges = "graph_bad_edges.csv"
"""


def write_graphs(hits_path, edges_path, count):
    """Toy graphs: 1 to 3 straight tracks through 4 layers and up to 3 noise
    hits; candidate edges (at most 24) join hits on adjacent layers within
    0.5 in phi, true when both hits are of one track."""
    rng = np.random.default_rng(17)
    with open(hits_path, "w") as h, open(edges_path, "w") as e:
        h.write("event,r,phi,z\n")
        e.write("event,source,target,truth\n")
        for event in range(count):
            hits = []
            for track in range(rng.integers(1, 4)):
                phi, z0, slope = rng.uniform(-3, 3), rng.normal(0, 5), \
                    rng.uniform(-1, 1)
                hits += [(layer, phi + rng.normal(0, 0.02),
                          z0 + slope * (layer + 1), track)
                         for layer in range(4)]
            hits += [(rng.integers(0, 4), rng.uniform(-3, 3),
                      rng.normal(0, 5), -1 - k)
                     for k in range(rng.integers(0, 4))]
            for layer, phi, z, _ in hits:
                h.write(f"{event},{layer + 1},{phi:.5f},{z:.4f}\n")
            edges = [(i, j, int(a[3] == b[3]))
                     for i, a in enumerate(hits) for j, b in enumerate(hits)
                     if b[0] == a[0] + 1 and abs(b[1] - a[1]) < 0.5]
            for i, j, truth in edges[:24]:
                e.write(f"{event},{i},{j},{truth}\n")


def part_graph(h):
    """Graph networks in both styles: the exported graph's ops, LibTorch
    against the float emulator, the fixed-point C++ package against the
    emulator, both styles the same function, the run's files and
    per-epoch efficiency and purity, and the refused configurations and
    data."""
    write_graphs(os.path.join(h.work, "graph_hits.csv"),
                 os.path.join(h.work, "graph_edges.csv"), 600)
    with open(os.path.join(h.work, "graph_bad_edges.csv"), "w") as f:
        f.write("event,source,target,truth\n0,0,1,1\n0,0,40,0\n")
    h.config = os.path.join(h.work, "graph.toml")
    with open(h.config, "w") as f:
        f.write(GRAPH_CONFIG)
    outputs = {}
    for name, present, absent in (
            ("graph", {"GatherElements", "ScatterElements", "Expand",
                       "ConstantOfShape", "Concat", "Sigmoid"},
             set()),
            ("incidence", {"Transpose", "MatMul", "Concat", "Sigmoid"},
             {"GatherElements", "ScatterElements"})):
        h.train(name, "runs")
        folder = h.run_dir("runs", name)
        model = os.path.join(folder, "expert_0.onnx")
        inputs = os.path.join(folder, "expert_0_inputs.csv")
        ops = {n.op_type for n in onnx.load(model).graph.node}
        check(present <= ops and not (absent & ops),
              f"{name}: unexpected ops {sorted(ops)}")
        torch_out = read_csv(os.path.join(folder, "expert_0_outputs.csv"))
        check(torch_out.shape[1:] == (24,), f"{name}: {torch_out.shape}")
        compare_emulated(h, name, model, inputs, torch_out)
        outputs[name] = torch_out
        result = subprocess.run([h.ariadnec, "validate", model, "--target",
                                 "cpp", "--precision", "fixed<14,5,RND,SAT>",
                                 "--input", inputs],
                                capture_output=True, text=True)
        check(result.returncode == 0 and "bit for bit" in result.stdout,
              f"{name}: validate failed: {result.stderr}")
        with open(os.path.join(folder, "metrics.csv")) as f:
            lines = f.read().splitlines()
        check(lines[0].endswith(",efficiency,purity") and len(lines) == 7,
              f"{name}: metrics {lines[:2]}")
        last = [float(v) for v in lines[-1].split(",")[6:]]
        check(last[0] > 0.8 and last[1] > 0.6,
              f"{name}: efficiency and purity {last} after 6 epochs")
        edges = read_csv(os.path.join(folder, "expert_0_edges.csv"))
        scores = torch_out.reshape(-1)
        check(len(edges) > 100 and edges.shape[1] == 6 and
              set(np.unique(edges[:, 4])) <= {0.0, 1.0} and
              np.all((edges[:, 5] > 0) & (edges[:, 5] < 1)) and
              np.all(np.isin(edges[:, 5].round(6), scores.round(6))),
              f"{name}: expert_0_edges.csv")
    if "graph" in outputs and "incidence" in outputs:
        # The same seed, the same function: only summation order differs.
        diff = np.max(np.abs(outputs["graph"] - outputs["incidence"]))
        check(diff < 1e-4, f"the two styles differ by {diff}")
    check_refused(h, (
            ("small_nodes", "hits, more than graph.max_nodes = 4"),
            ("small_edges", "has more edges than graph.max_edges = 2"),
            ("mse", "set 'loss = \"bce\"'"),
            ("with_sigmoid", "applies the sigmoid itself"),
            ("with_transformer", "does not combine with 'conv', 'recurrent' "
                                 "or 'transformer'"),
            ("two_labels", "the one label column"),
            ("no_edges_file", "needs the global 'edges' file"),
            ("bad_edges", "graph_bad_edges.csv:3: target 40 is not a hit of "
                          "event 0")))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("part")
    parser.add_argument("--train", required=True)
    parser.add_argument("--ariadnec", required=True)
    parser.add_argument("--sim", required=True)
    parser.add_argument("--calo-sim")
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    part = globals().get("part_" + args.part)
    if part is None:
        sys.exit(f"unknown part {args.part}")
    part(Harness(args))
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        sys.exit(1)
    print(f"{args.part}: passed")


if __name__ == "__main__":
    main()
