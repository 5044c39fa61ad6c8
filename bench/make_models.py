#!/usr/bin/python3
"""Writes the benchmark's second model, jet_tagger.onnx.

A 16-64-32-32-5 ReLU multilayer perceptron with a softmax output: the shape
of the jet-tagging network that FPGA trigger studies use as their standard
benchmark (16 jet-substructure features, 5 jet classes). The weights are
seeded initial values; timing does not depend on them.

The other benchmark model is examples/neurotrigger/neurotrigger.onnx.
Run with Debian's python3-torch: /usr/bin/python3 bench/make_models.py
"""
import os

import torch


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(2027)
    model = torch.nn.Sequential(
        torch.nn.Linear(16, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 5), torch.nn.Softmax(dim=1),
    ).eval()
    torch.onnx.export(
        model, torch.zeros(1, 16), os.path.join(here, "jet_tagger.onnx"),
        input_names=["features"], output_names=["class_probabilities"],
        dynamic_axes={"features": {0: "jets"},
                      "class_probabilities": {0: "jets"}},
        opset_version=13,
    )


if __name__ == "__main__":
    main()
