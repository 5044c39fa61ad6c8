#!/usr/bin/python3
"""Energy and position resolution of a trained calo_cnn run, in float and
in fixed point, beside the plain tower sum.

Usage: resolution.py ARIADNEC RUN_DIR [PRECISION...]
RUN_DIR is the folder `ariadnec train` wrote (runs/base); the validation
events there are the ones the model never trained on. Every precision is
run through `ariadnec emulate` (the bit-accurate emulator).
"""
import subprocess
import sys

import numpy as np

ariadnec, run = sys.argv[1], sys.argv[2]
precisions = sys.argv[3:] or ["float", "fixed<16,6,RND,SAT>",
                              "fixed<12,4,RND,SAT>"]
inputs = f"{run}/expert_0_inputs.csv"
pred = np.loadtxt(f"{run}/expert_0_predictions.csv", delimiter=",",
                  comments="#")
true_e, true_x, true_y = pred[:, 0], pred[:, 1], pred[:, 2]


def row(name, e, x=None, y=None):
    r = (e - true_e) / true_e
    line = f"{name:34s} {np.std(r):8.4f} {np.mean(r):+8.4f}"
    if x is not None:
        line += f" {np.std(x - true_x):9.3f} {np.std(y - true_y):9.3f}"
    print(line)


print(f"{'':34s} {'sE/E':>8s} {'bias':>8s} {'s(x)':>9s} {'s(y)':>9s}")
# The towers were scaled to [0, 1] over [0, 64] GeV (calo_cnn.toml).
towers = np.loadtxt(inputs, delimiter=",", comments="#").sum(axis=1) * 64
row("tower sum, calibrated", towers * np.mean(true_e) / np.mean(towers))
row("CNN, LibTorch", pred[:, 3], pred[:, 4], pred[:, 5])
for precision in precisions:
    out = subprocess.run([ariadnec, "emulate", f"{run}/expert_0.onnx",
                          "--input", inputs, "--precision", precision,
                          "--calibration", inputs, "-o", "/dev/stdout"],
                         capture_output=True, text=True, check=True).stdout
    y = np.loadtxt(out.splitlines(), delimiter=",", comments="#")
    # energy was scaled to [-1, 1] over [0, 100] GeV; x and y are in cells.
    row("CNN, emulate " + precision, (y[:, 0] + 1) * 50, y[:, 1], y[:, 2])
