#!/usr/bin/python3
"""The recurrent node tests of ONNX's conformance data against ONNX's own
reference outputs.

Those tests feed the weights W, R, B (and P) as graph inputs, which the
compiler refuses (they become dense layers' constants); `ariadne-conformance`
counts them as unsupported. Here each model is rewritten with the weights of
its test_data_set_0 as initializers and run through `ariadnec emulate`, whose
outputs must match ONNX's expected ones within the conformance tolerance
(rtol 1e-3, atol 1e-7 as ONNX's backend runner; our float path is closer).
A test whose remaining inputs the compiler refuses (sequence_lens) must be
refused with a located error.
Usage: recurrent_reference.py ARIADNEC WORKDIR [DATA_DIR]
"""
import glob
import os
import shutil
import subprocess
import sys

import numpy
import onnx
from onnx import numpy_helper

TESTS = ["gru_batchwise", "gru_defaults", "gru_seq_length",
         "gru_with_initial_bias", "lstm_batchwise", "lstm_defaults",
         "lstm_with_initial_bias", "lstm_with_peepholes", "rnn_seq_length",
         "simple_rnn_batchwise", "simple_rnn_defaults",
         "simple_rnn_with_initial_bias"]
WEIGHTS = {1: "W", 2: "R", 3: "B", 7: "P"}


def check(ariadnec, workdir, data_dir, name):
    src = os.path.join(data_dir, "node", "test_" + name)
    model = onnx.load(os.path.join(src, "model.onnx"))
    graph = model.graph
    node = graph.node[0]
    data = os.path.join(src, "test_data_set_0")
    inputs = [numpy_helper.to_array(onnx.load_tensor(p)) for p in
              sorted(glob.glob(os.path.join(data, "input_*.pb")))]
    outputs = [numpy_helper.to_array(onnx.load_tensor(p)) for p in
               sorted(glob.glob(os.path.join(data, "output_*.pb")))]
    by_name = {i.name: v for i, v in zip(graph.input, inputs)}
    weight_names = {node.input[i] for i in WEIGHTS if i < len(node.input)}
    kept = [i for i in graph.input if i.name not in weight_names]
    for i in list(graph.input):
        if i.name in weight_names:
            graph.initializer.append(numpy_helper.from_array(by_name[i.name],
                                                             i.name))
    del graph.input[:]
    graph.input.extend(kept)
    path = os.path.join(workdir, name + ".onnx")
    onnx.save(model, path)
    events = os.path.join(workdir, name + "_in.csv")
    with open(events, "w") as f:
        row = numpy.concatenate([by_name[i.name].ravel() for i in kept])
        f.write(",".join(repr(float(v)) for v in row) + "\n")
    out = os.path.join(workdir, name + "_out.csv")
    result = subprocess.run([ariadnec, "emulate", path, "--input", events,
                             "-o", out], capture_output=True, text=True)
    if any(i.name == node.input[4] for i in kept if len(node.input) > 4):
        # sequence_lens stays an input: a located refusal.
        if result.returncode == 0 or "sequence_lens" not in result.stderr:
            return "sequence_lens was not refused: " + result.stderr.strip()
        return None
    if result.returncode != 0:
        return "emulate failed: " + result.stderr.strip()
    got = numpy.array([float(v) for v in open(out).read().split("\n")[-2]
                       .split(",")])
    expected = numpy.concatenate([o.ravel() for o in outputs])
    if got.shape != expected.shape:
        return f"{got.size} outputs, ONNX has {expected.size}"
    if not numpy.allclose(got, expected, rtol=1e-3, atol=1e-7):
        i = int(numpy.argmax(numpy.abs(got - expected)))
        return f"output {i}: {got[i]} vs ONNX's {expected[i]}"
    return None


def main():
    ariadnec, workdir = sys.argv[1], sys.argv[2]
    data_dir = (sys.argv[3] if len(sys.argv) > 3
                else "/usr/share/libonnx-testdata/data")
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    failed = 0
    for name in TESTS:
        error = check(ariadnec, workdir, data_dir, name)
        print(("FAIL " if error else "ok   ") + name +
              (": " + error if error else ""))
        failed += bool(error)
    print(f"{len(TESTS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
