#!/usr/bin/python3
"""Writes the shipped neural z-vertex trigger model and a file of events.

The Belle II neural z-vertex trigger is a 27-81-2 multilayer perceptron: 9
drift-chamber superlayers with 3 inputs each (relative wire id, drift time,
crossing angle), one hidden layer of 81 nodes and two outputs (the z vertex
and the polar angle, scaled to [-1, 1]), with tanh(x/2) activations.

This model is untrained (seeded initial weights): it stands in for a trained
expert so that `ariadnec compile` and `validate` can run before training.
Run with Debian's python3-torch: /usr/bin/python3 make_model.py
"""
import os

import torch


class HalfTanh(torch.nn.Module):
    def forward(self, x):
        return torch.tanh(x / 2)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(2026)
    model = torch.nn.Sequential(
        torch.nn.Linear(27, 81), HalfTanh(), torch.nn.Linear(81, 2), HalfTanh()
    ).eval()
    example = torch.zeros(1, 27)
    torch.onnx.export(
        model, example, os.path.join(here, "neurotrigger.onnx"),
        input_names=["hits"], output_names=["z_theta"],
        dynamic_axes={"hits": {0: "events"}, "z_theta": {0: "events"}},
        opset_version=13,
    )
    # Inputs are scaled to [-1, 1] by the trigger's preprocessing; a few
    # events sit at and beyond the edges.
    gen = torch.Generator().manual_seed(7)
    events = torch.rand(1000, 27, generator=gen) * 2 - 1
    events[:10] *= 1.5
    with open(os.path.join(here, "events.csv"), "w") as f:
        f.write("# " + ",".join(
            f"sl{s}_{q}" for s in range(9) for q in ("wire", "drift", "alpha")) + "\n")
        for row in events.tolist():
            f.write(",".join(f"{v:.6g}" for v in row) + "\n")


if __name__ == "__main__":
    main()
