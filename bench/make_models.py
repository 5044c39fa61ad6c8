#!/usr/bin/python3
"""Writes the benchmark's own models, jet_tagger.onnx and tracknet.onnx.

jet_tagger.onnx: a 16-64-32-32-5 ReLU multilayer perceptron with a softmax
output: the shape of the jet-tagging network that FPGA trigger studies use
as their standard benchmark (16 jet-substructure features, 5 jet classes).

tracknet.onnx: a TrackNETv2-style recurrent track follower. An event is the
first 7 hits of a track candidate, 3 coordinates each ([N, 21]); a pointwise
Conv1d(3, 32) with batch norm and ReLU embeds every hit, a 2-layer GRU of 32
runs over the 7 hits, and a Linear(32, 4) head on every step predicts the
ellipse on the next station: centre (2 values) and radii (2, through
softplus). The output is the 7 steps' ellipses flattened, [N, 28].

The weights (and the batch norm's running statistics) are seeded values;
timing does not depend on them. The other benchmark model is
examples/neurotrigger/neurotrigger.onnx.
Run with Debian's python3-torch: /usr/bin/python3 bench/make_models.py
"""
import os

import torch


def write_jet_tagger(path):
    torch.manual_seed(2027)
    model = torch.nn.Sequential(
        torch.nn.Linear(16, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 5), torch.nn.Softmax(dim=1),
    ).eval()
    torch.onnx.export(
        model, torch.zeros(1, 16), path,
        input_names=["features"], output_names=["class_probabilities"],
        dynamic_axes={"features": {0: "jets"},
                      "class_probabilities": {0: "jets"}},
        opset_version=13,
    )


class TrackNet(torch.nn.Module):
    """[N, 21] hits -> [N, 28] ellipses (x, y, softplus radii) per step."""

    STEPS, FEATURES, HIDDEN, HEAD = 7, 3, 32, 4

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv1d(self.FEATURES, self.HIDDEN, kernel_size=1)
        self.norm = torch.nn.BatchNorm1d(self.HIDDEN)
        self.gru = torch.nn.GRU(self.HIDDEN, self.HIDDEN, num_layers=2,
                                batch_first=True)
        self.head = torch.nn.Linear(self.HIDDEN, self.HEAD)

    def forward(self, x):
        x = x.reshape(-1, self.STEPS, self.FEATURES).transpose(1, 2)
        x = torch.relu(self.norm(self.conv(x))).transpose(1, 2)
        x, _ = self.gru(x)
        y = self.head(x)
        y = torch.cat([y[..., :2], torch.nn.functional.softplus(y[..., 2:])],
                      dim=-1)
        return y.flatten(1)


def write_tracknet(path):
    torch.manual_seed(2028)
    model = TrackNet()
    with torch.no_grad():
        # Running statistics away from (0, 1), so that the batch norm is not
        # the identity in either implementation.
        model.norm.running_mean.uniform_(-0.5, 0.5)
        model.norm.running_var.uniform_(0.5, 2.0)
        model.norm.weight.uniform_(0.5, 1.5)
        model.norm.bias.uniform_(-0.2, 0.2)
    model.eval()
    torch.onnx.export(
        model, torch.zeros(1, TrackNet.STEPS * TrackNet.FEATURES), path,
        input_names=["hits"], output_names=["ellipses"],
        dynamic_axes={"hits": {0: "tracks"}, "ellipses": {0: "tracks"}},
        opset_version=14,
        # Keep the batch norm as its own node (the default, EVAL, folds it
        # into the convolution's weights), so that both sides run it.
        training=torch.onnx.TrainingMode.PRESERVE,
    )


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    write_jet_tagger(os.path.join(here, "jet_tagger.onnx"))
    write_tracknet(os.path.join(here, "tracknet.onnx"))


if __name__ == "__main__":
    main()
