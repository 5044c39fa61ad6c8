#!/usr/bin/python3
"""End-to-end: the Verilog target through Verilator and Yosys.

`ariadnec validate --target verilog` builds the RTL with Verilator, streams
one event per clock and compares every raw output integer with the
bit-accurate emulator (and the measured latency with the pipeline's):
  - small MLPs exported by PyTorch at test time (one with ReLU, one ending in
    softmax, one with tanh tables), at fixed<16,6> with DSP multipliers and
    one register stage per layer, and at fixed<10,4,RND,SAT> with
    shift-and-add multipliers and a register stage after every adder level,
    on random events plus events at and beyond the limits of the types; a
    model with two inputs concatenated and two outputs, and one with a 3-d
    input flattened, at one of the two;
  - two activations combined: the residual/gating model of the PyTorch
    test (a residual add, a sigmoid gate broadcast over the features, a
    difference of two heads) and a tiny attention-like model (matrix
    products of two activations, one broadcast over a batch dimension of
    the event, a softmax over the last axis, dense layers on matrices, a
    broadcast sub and mul), at both settings, at `auto` from calibration
    events (unsigned operands beside signed ones) and, for the matrix
    products, with a wrapping accumulator;
  - convolutional networks: the pooling model of the PyTorch test (zero
    padding, max pooling padded with the lowest value, average and global
    pools) at both settings and `auto`, and the Conv1d front at one;
  - recurrent networks, their steps unrolled into the pipeline: a Conv1d,
    2-layer GRU and per-step heads with Softplus at fixed<16,6>, and an
    LSTM read at its last step at both settings and `auto`;
  - attention: the masked 2-head encoder block of the PyTorch test (layer
    norms written out, exact GELU, a masked mean) at fixed<16,6>;
  - graph networks: the interaction network of the PyTorch test (int64
    edge indices, some negative and, in the limit events, out of range:
    gathers as multiplexers, scatter_add as masked adders) at both
    settings and `auto`, and GraphNet's incidence-matrix message passing
    at fixed<16,6>;
  - masks: the comparisons, bool mask input, torch.where and masked_fill
    of the PyTorch test's masked_where at both settings and `auto`, and
    nn.MultiheadAttention with a boolean key padding mask at fixed<16,6>;
  - a hand-written fx module that casts one input into every quantization
    and overflow mode (narrowing, widening, signed and unsigned), and runs
    relu, clamp, leaky_relu and scale, on values around every rounding tie
    and beyond the ranges;
  - `compile --synth yosys` on the ReLU MLP: report.json gains the LUT,
    flip-flop, DSP and carry counts, with DSPs only for DSP multipliers;
  - bad input: an unquantized model, a bad [verilog] key and a matrix
    product over `max_products` are clear errors that leave no output
    directory.
Without verilator (or yosys) on PATH those checks fail under CI=true and
are skipped, saying so, elsewhere.
Usage: verilog_models.py ARIADNEC WORKDIR
"""
import concurrent.futures
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import zlib

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_models import (LIMIT_VALUES, CaloPool,  # noqa: E402
                            FlattenHead, GraphNetIncidence, GruTracker,
                            HitConv1d, HitTransformer, InteractionNet,
                            LstmLastStep, MaskedWhere, ResidualGating,
                            TorchAttention, TorchAttentionBoolMask,
                            TwoHeads, write_csv)
from required_tools import (IN_CI, find_tool,  # noqa: E402
                            missing_tool_message)

TORCH_LOCK = threading.Lock()
# (precision, [verilog] config)
SETTINGS = [
    ("fixed<16,6>", 'multiplier = "dsp"\npipeline = "layer"\n'),
    ("fixed<10,4,RND,SAT>", 'multiplier = "shift_add"\npipeline = 1\n'),
]


# Products of two activations also at `auto` (the calibration events are
# the validated ones), where unsigned types meet signed ones.
ARITH_SETTINGS = SETTINGS + [("auto", 'pipeline = 2\n')]
# The matrix products' accumulators (12 fractional bits, those of two
# fixed<10,4> operands) narrower than exact: they wrap.
MATMUL_SETTINGS = ARITH_SETTINGS + [
    ("fixed<10,4>",
     'pipeline = 1\n[type.matmul]\naccumulator = "fixed<14,2>"\n'),
]


class TinyMatMul(torch.nn.Module):
    """Per event two matrices of 3 rows of 4 features: scores of one dense
    projection against the rows themselves, a softmax over them weighting
    the rows, a product with a matrix broadcast over the two, and a
    difference and a product broadcast between slices."""

    def __init__(self):
        super().__init__()
        self.a = torch.nn.Linear(4, 4)
        self.c = torch.nn.Linear(3, 2)
        self.out = torch.nn.Linear(12, 2)

    def forward(self, x):  # [N, 2, 3, 4]
        s = torch.matmul(self.a(x), x.transpose(2, 3))  # [N, 2, 3, 3]
        p = torch.matmul(torch.softmax(s, dim=-1), x)  # [N, 2, 3, 4]
        r = self.c(x[:, :1].transpose(2, 3))  # [N, 1, 4, 2]
        t = torch.matmul(p, r)  # [N, 2, 3, 2], r broadcast
        d = (t[:, :, :1] - t[:, 1:]) * x[:, :1, :1, :2]
        return self.out(t.flatten(1)), d.flatten(1)


class SoftmaxHead(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(6, 8)
        self.out = torch.nn.Linear(8, 4)

    def forward(self, x):
        return torch.softmax(self.out(torch.relu(self.fc(x))), dim=1)


# name, builder, input shapes (batch dropped), settings checked
MODELS = [
    ("relu_mlp", lambda: torch.nn.Sequential(
        torch.nn.Linear(8, 12), torch.nn.ReLU(), torch.nn.Linear(12, 3)),
     [(8,)], SETTINGS),
    ("softmax_mlp", SoftmaxHead, [(6,)], SETTINGS),
    ("tanh_mlp", lambda: torch.nn.Sequential(
        torch.nn.Linear(5, 6), torch.nn.Tanh(), torch.nn.Linear(6, 2),
        torch.nn.Sigmoid()), [(5,)], SETTINGS),
    # Two inputs concatenated and two outputs; a 3-d input flattened.
    ("two_heads", TwoHeads, [(4,), (3,)], SETTINGS[:1]),
    ("flatten_head", FlattenHead, [(3, 4)], SETTINGS[1:]),
    # Two activations combined.
    ("residual_gating", ResidualGating, [(8,)], ARITH_SETTINGS),
    ("tiny_matmul", TinyMatMul, [(2, 3, 4)], MATMUL_SETTINGS),
    # Convolutions (zero padding, grouped, batch norm folded), pooling
    # (windows padded with the lowest value, comparator trees, averages).
    ("calo_pool", CaloPool, [(1, 8, 8)], ARITH_SETTINGS),
    ("hit_conv1d", HitConv1d, [(3, 8)], SETTINGS[:1]),
    # Recurrent layers, unrolled into the pipeline: TrackNETv2's shape (a
    # Conv1d, a 2-layer GRU, per-step heads with Softplus) and an LSTM read
    # at its last step (three precisions, auto among them).
    ("gru_tracker", GruTracker, [(5, 3)], SETTINGS[:1]),
    ("lstm_last_step", LstmLastStep, [(4, 3)], ARITH_SETTINGS),
    # Attention: a masked 2-head encoder block (scores, masked softmax,
    # weighted sums, layer norms written out, GELU, a masked mean).
    ("hit_transformer", HitTransformer, [(6, 4)], SETTINGS[:1]),
    # nn.MultiheadAttention as PyTorch exports it (the batch merged with the
    # heads by reshapes), with a key padding mask.
    ("torch_attention", TorchAttention, [(5, 8), (5,)], SETTINGS[1:]),
    # The same with a boolean key padding mask (-inf by Where on the
    # merged batch and heads).
    ("torch_attention_bool_mask", TorchAttentionBoolMask, [(5, 8), (5,)],
     SETTINGS[:1]),
    # Graph networks: an interaction network over int64 edge indices
    # (multiplexers gather node features to the edges, masked adders sum
    # the messages into the nodes), some indices negative, and out of range
    # in the limit events.
    ("interaction_net", InteractionNet, [(6, 3), (2, 10)], ARITH_SETTINGS),
    # GraphNet's style: incidence matrices as inputs, messages by matrix
    # products of activations.
    ("graphnet_incidence", GraphNetIncidence, [(5, 3), (5, 6), (5, 6)],
     SETTINGS[:1]),
    # Masks: comparisons (of two activations, with constants), a bool mask
    # input, torch.where and masked_fill as multiplexers.
    ("masked_where", MaskedWhere, [(6, 4), (6,)], ARITH_SETTINGS),
]
# Layer norms and divisions read tables over calibrated ranges at every
# precision.
CALIBRATED = {"hit_transformer"}

QUANT = ["TRN", "TRN_ZERO", "RND", "RND_ZERO", "RND_MIN_INF", "RND_INF",
         "RND_CONV"]
OVERFLOW = ["WRAP", "SAT", "SAT_ZERO", "SAT_SYM"]


def run(args):
    return subprocess.run(args, capture_output=True, text=True)


def validate(ariadnec, model, precision, config, events, out_dir, extra=()):
    args = [ariadnec, "validate", model, "--target", "verilog", "--input",
            events, "-o", out_dir]
    if precision:
        args += ["--precision", precision]
    if config:
        args += ["--config", config]
    result = run(args + list(extra))
    text = result.stdout + result.stderr
    if result.returncode != 0:
        return f"validate failed: {text.strip()}"
    if "agree bit for bit" not in text or "latency" not in text:
        return f"validate printed no agreement or latency: {text.strip()}"
    report = json.load(open(os.path.join(out_dir, "report.json")))
    latency = report["totals"]["latency_cycles"]
    if f"latency {latency} cycles" not in text:
        return f"report.json latency {latency} not the measured one: {text}"
    return None


def export(workdir, name, build, shapes):
    with TORCH_LOCK:
        torch.manual_seed(zlib.crc32(name.encode()))
        model = build().eval()
        if hasattr(model, "make_inputs"):
            inputs = model.make_inputs(48)
        else:
            inputs = [torch.randn(48, *s) * 2 for s in shapes]
        with torch.no_grad():
            outputs = model(*inputs)
        count = 1 if isinstance(outputs, torch.Tensor) else len(outputs)
        in_names = [f"x{i}" for i in range(len(shapes))]
        out_names = [f"y{i}" for i in range(count)]
        path = os.path.join(workdir, name + ".onnx")
        torch.onnx.export(model, tuple(inputs), path, input_names=in_names,
                          output_names=out_names,
                          dynamic_axes={n: {0: "events"}
                                        for n in in_names + out_names},
                          opset_version=getattr(model, "opset", 13))
        if hasattr(model, "csv_inputs"):
            inputs = model.csv_inputs(inputs)
        flat = torch.cat([t.reshape(48, -1) for t in inputs], dim=1)
    events = os.path.join(workdir, name + "_events.csv")
    width = flat.shape[1]
    write_csv(events, flat.tolist() + [[v] * width for v in LIMIT_VALUES])
    # Calibration on the model's own events, without the limit rows.
    write_csv(os.path.join(workdir, name + "_calibration.csv"), flat.tolist())
    return path, events


def check_model(ariadnec, workdir, name, build, shapes, settings):
    path, events = export(workdir, name, build, shapes)
    for index, (precision, section) in enumerate(settings):
        config = os.path.join(workdir, f"{name}_{index}.toml")
        with open(config, "w") as f:
            f.write("[verilog]\n" + section)
        if name in CALIBRATED:
            calibration = os.path.join(workdir, name + "_calibration.csv")
        else:
            calibration = events
        calibrated = precision == "auto" or name in CALIBRATED
        extra = ["--calibration", calibration] if calibrated else []
        error = validate(ariadnec, path, precision, config, events,
                         os.path.join(workdir, f"{name}_{index}_rtl"), extra)
        if error:
            return f"{precision}: {error}"
    return None


def cast_module(path):
    """quantize -> a cast into every mode, relu, clamp, leaky_relu, scale."""
    src = "!fx.fixed<20, 8>"
    targets = []
    for q in QUANT:
        for o in OVERFLOW:
            # Narrowing (7 bits dropped), unsigned, and widening by 2 bits
            # with overflow.
            targets += [f"!fx.fixed<8, 3, {q}, {o}>",
                        f"!fx.ufixed<6, 2, {q}, {o}>",
                        f"!fx.fixed<14, 0, {q}, {o}>"]
    lines = ["func.func @casts(%x: tensor<?x4xf32>) -> ("]
    results = [f"tensor<?x4xf32>" for _ in targets] + ["tensor<?x4xf32>"] * 4
    lines[0] += ", ".join(results) + ") {"
    lines.append(f"  %q = fx.quantize %x : (tensor<?x4xf32>) -> "
                 f"tensor<?x4x{src}>")
    outs = []
    for i, t in enumerate(targets):
        lines.append(f"  %c{i} = fx.cast %q : (tensor<?x4x{src}>) -> "
                     f"tensor<?x4x{t}>")
        lines.append(f"  %d{i} = fx.dequantize %c{i} : (tensor<?x4x{t}>) -> "
                     f"tensor<?x4xf32>")
        outs.append(f"%d{i}")
    lines += [
        f"  %r = fx.relu %q : tensor<?x4x{src}>",
        f"  %k = fx.clamp %r {{low = -4096 : i64, high = 20000 : i64}} : "
        f"tensor<?x4x{src}>",
        f"  %l = fx.leaky_relu %q {{alpha = -13 : i64, alpha_type = "
        f"!fx.fixed<8, 1>}} : (tensor<?x4x{src}>) -> "
        f"tensor<?x4x!fx.fixed<12, 5, RND_CONV, SAT>>",
        f"  %s = fx.scale %q {{scale = dense<[51, -7, 100, 3]> : "
        f"tensor<4xi64>, scale_type = !fx.fixed<8, 0>, offset = "
        f"dense<[64]> : tensor<1xi64>, offset_type = !fx.fixed<8, 1>}} : "
        f"(tensor<?x4x{src}>) -> tensor<?x4x!fx.fixed<10, 4, RND, SAT_SYM>>",
    ]
    for name, t in [("k", src), ("l", "!fx.fixed<12, 5, RND_CONV, SAT>"),
                    ("s", "!fx.fixed<10, 4, RND, SAT_SYM>"), ("r", src)]:
        lines.append(f"  %o{name} = fx.dequantize %{name} : "
                     f"(tensor<?x4x{t}>) -> tensor<?x4xf32>")
        outs.append(f"%o{name}")
    lines.append("  return " + ", ".join(outs) + " : " + ", ".join(results))
    lines.append("}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def check_casts(ariadnec, workdir):
    model = os.path.join(workdir, "casts.mlir")
    cast_module(model)
    rng = random.Random(7)
    rows = []
    # Raw values of fixed<20,8> (12 fractional bits) on and around the ties
    # of 7 dropped bits, and beyond every target's range.
    for _ in range(150):
        rows.append([(rng.randint(-2**19, 2**19 - 1)) / 4096.0
                     for _ in range(4)])
    for base in range(-300, 300, 4):
        rows.append([(base * 128 + d) / 4096.0 for d in (64, -64, 63, 65)])
    rows += [[v] * 4 for v in (127.999, -128.0, 3.984375, -4.0, 4.0, 0.5,
                               -0.5, 1000.0, -1000.0, 0.0)]
    events = os.path.join(workdir, "casts_events.csv")
    write_csv(events, rows)
    return validate(ariadnec, model, None, None, events,
                    os.path.join(workdir, "casts_rtl"))


def check_yosys(ariadnec, workdir):
    path, _ = export(workdir, "yosys_mlp", MODELS[0][1], MODELS[0][2])
    counts = {}
    for style in ["dsp", "shift_add"]:
        config = os.path.join(workdir, f"yosys_{style}.toml")
        with open(config, "w") as f:
            f.write(f'[verilog]\nmultiplier = "{style}"\n')
        out = os.path.join(workdir, f"yosys_{style}")
        result = run([ariadnec, "compile", path, "--target", "verilog",
                      "--precision", "fixed<8,3>", "--config", config,
                      "--synth", "yosys", "-o", out])
        if result.returncode != 0:
            return f"--synth yosys failed: {result.stderr.strip()}"
        if "LUT" not in result.stderr or "HLS estimate" not in result.stderr:
            return f"no resource table printed: {result.stderr}"
        counts[style] = json.load(open(os.path.join(out, "report.json")))["yosys"]
        if counts[style]["luts"] <= 0 or counts[style]["flip_flops"] <= 0:
            return f"{style}: no LUTs or flip-flops: {counts[style]}"
    if counts["shift_add"]["dsps"] != 0:
        return f"shift_add used DSPs: {counts['shift_add']}"
    if counts["dsp"]["dsps"] <= 0:
        return f"dsp used no DSPs: {counts['dsp']}"
    return None


def check_errors(ariadnec, workdir):
    path, events = export(workdir, "bad_mlp", MODELS[0][1], MODELS[0][2])
    out = os.path.join(workdir, "bad_out")
    result = run([ariadnec, "compile", path, "--target", "verilog", "-o", out])
    if result.returncode == 0 or "not quantized" not in result.stderr:
        return f"unquantized model: {result.returncode} {result.stderr}"
    if os.path.exists(out):
        return "unquantized model left an output directory"
    config = os.path.join(workdir, "bad.toml")
    with open(config, "w") as f:
        f.write('[verilog]\nmultiplier = "booth"\n')
    result = run([ariadnec, "compile", path, "--target", "verilog",
                  "--precision", "fixed<16,6>", "--config", config, "-o", out])
    if result.returncode == 0 or f"{config}:2:" not in result.stderr:
        return f"bad multiplier not located: {result.stderr}"
    if os.path.exists(out):
        return "bad config left an output directory"
    # 3 x 4 x 3 products in each of the 2 matrices of the first MatMul.
    path, _ = export(workdir, "big_matmul", TinyMatMul, [(2, 3, 4)])
    with open(config, "w") as f:
        f.write('[type.matmul]\nmax_products = 50\n')
    result = run([ariadnec, "compile", path, "--target", "verilog",
                  "--precision", "fixed<10,4>", "--config", config, "-o", out])
    if (result.returncode == 0 or "node '/MatMul'" not in result.stderr or
            "72 products per event" not in result.stderr or
            "max_products = 50" not in result.stderr):
        return f"matmul over max_products not located: {result.stderr}"
    if os.path.exists(out):
        return "a matmul over max_products left an output directory"
    return None


def main():
    ariadnec, workdir = sys.argv[1], sys.argv[2]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    checks = [("errors", lambda: check_errors(ariadnec, workdir))]
    failed = 0  # besides failed checks, the missing tools under CI
    if find_tool("verilator"):
        checks += [(name, lambda n=name, b=build, s=shapes, t=settings:
                    check_model(ariadnec, workdir, n, b, s, t))
                   for name, build, shapes, settings in MODELS]
        checks.append(("casts", lambda: check_casts(ariadnec, workdir)))
    else:
        print(missing_tool_message("verilator", "Verilator checks"))
        failed += IN_CI
    if find_tool("yosys"):
        checks.append(("yosys", lambda: check_yosys(ariadnec, workdir)))
    else:
        print(missing_tool_message("yosys", "Yosys check"))
        failed += IN_CI
    missing = failed
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        errors = list(pool.map(lambda c: c[1](), checks))
    for (name, _), error in zip(checks, errors):
        if error:
            failed += 1
            print(f"FAIL {name}: {error}")
        else:
            print(f"ok   {name}")
    print(f"{len(checks) - (failed - missing)} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
