#!/usr/bin/python3
"""Writes the benchmark's own models, jet_tagger.onnx, tracknet.onnx and
interaction_net.onnx (with interaction_net.pt), and gnn_edge_classifier.pt
for gnn_edge_classifier.onnx.

jet_tagger.onnx: a 16-64-32-32-5 ReLU multilayer perceptron with a softmax
output: the shape of the jet-tagging network that FPGA trigger studies use
as their standard benchmark (16 jet-substructure features, 5 jet classes).

tracknet.onnx: a TrackNETv2-style recurrent track follower. An event is the
first 7 hits of a track candidate, 3 coordinates each ([N, 21]); a pointwise
Conv1d(3, 32) with batch norm and ReLU embeds every hit, a 2-layer GRU of 32
runs over the 7 hits, and a Linear(32, 4) head on every step predicts the
ellipse on the next station: centre (2 values) and radii (2, through
softplus). The output is the 7 steps' ellipses flattened, [N, 28].

interaction_net.onnx: a gnn4ITk-style interaction network over graphs of
24 hits (3 coordinates) and 48 directed edges, given as an int64 edge index
[2, 48]: an edge encoder MLP (6-16-16, ReLU) on the hits at both ends
(torch.gather), its messages summed into the target hits (scatter_add), a
residual node update MLP (19-16-3, ReLU), and an edge classifier (22-16-1,
ReLU, sigmoid) on the updated hits and the edge features: one edge score
per edge, [N, 48]. interaction_net.pt is the same module as TorchScript,
which the LibTorch side of the benchmark loads (torch::jit::load), as a
C++ user deploys a PyTorch GNN.

gnn_edge_classifier.pt: the LibTorch side of gnn_edge_classifier.onnx, the
edge classifier of examples/gnn as `ariadnec train` writes it (its base
configuration, trained by examples/gnn/run.sh): graphs of 64 hits (3
features) and 128 candidate edges, node and edge encoders (16-16, ReLU),
two message-passing iterations (edge network 48-16-16 on both end hits and
the edge, messages summed into both end hits, node network 32-16-16, each
added to its input) and a classifier 48-16-16-1 with a sigmoid. The module
below computes the same function with the ONNX file's weights, as
TorchScript.

The other weights (and the batch norm's running statistics) are seeded values;
timing does not depend on them. The other benchmark model is
examples/neurotrigger/neurotrigger.onnx.
Run with Debian's python3-torch: /usr/bin/python3 bench/make_models.py
"""
import os
from typing import List

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


class InteractionNet(torch.nn.Module):
    """[N, 24, 3] hits, [N, 2, 48] edge index -> [N, 48] edge scores."""

    NODES, EDGES, FEATURES, HIDDEN = 24, 48, 3, 16

    def __init__(self):
        super().__init__()
        f, h = self.FEATURES, self.HIDDEN
        # Instance attributes: TorchScript reads no class constants.
        self.features, self.hidden = f, h
        self.edge = torch.nn.Sequential(
            torch.nn.Linear(2 * f, h), torch.nn.ReLU(), torch.nn.Linear(h, h))
        self.node = torch.nn.Sequential(
            torch.nn.Linear(f + h, h), torch.nn.ReLU(), torch.nn.Linear(h, f))
        self.classify = torch.nn.Sequential(
            torch.nn.Linear(2 * f + h, h), torch.nn.ReLU(),
            torch.nn.Linear(h, 1))

    def forward(self, x, edges):
        f, h = self.features, self.hidden
        source = edges[:, 0].unsqueeze(-1)
        target = edges[:, 1].unsqueeze(-1)
        e = self.edge(torch.cat([torch.gather(x, 1, source.expand(-1, -1, f)),
                                 torch.gather(x, 1, target.expand(-1, -1, f))],
                                -1))
        zeros = torch.zeros_like(x[:, :, :1]).expand(-1, -1, h)
        messages = zeros.scatter_add(1, target.expand(-1, -1, h), e)
        x = x + self.node(torch.cat([x, messages], -1))
        y = self.classify(torch.cat(
            [torch.gather(x, 1, source.expand(-1, -1, f)),
             torch.gather(x, 1, target.expand(-1, -1, f)), e], -1))
        return torch.sigmoid(y).squeeze(-1)


def write_interaction_net(path, script_path):
    torch.manual_seed(2029)
    model = InteractionNet().eval()
    n = InteractionNet.NODES
    x = torch.zeros(2, n, InteractionNet.FEATURES)
    edges = torch.randint(0, n, (2, 2, InteractionNet.EDGES))
    torch.onnx.export(
        model, (x, edges), path, input_names=["hits", "edges"],
        output_names=["scores"],
        dynamic_axes={name: {0: "graphs"}
                      for name in ["hits", "edges", "scores"]},
        opset_version=16,
    )
    torch.jit.script(model).save(script_path)


class EdgeClassifier(torch.nn.Module):
    """[N, 64, 3] hits, [N, 2, 128] edge index -> [N, 128] edge scores, with
    the weights of an `ariadnec train` graph network."""

    def __init__(self, networks, nodes):
        super().__init__()
        self.nodes = nodes
        # Every network's weights ([out, in]) and biases in one list each;
        # network n holds layers starts[n] to starts[n + 1].
        weights: List[torch.Tensor] = []
        biases: List[torch.Tensor] = []
        starts: List[int] = [0]
        for layers in networks:
            for weight, bias in layers:
                weights.append(weight.t().contiguous())
                biases.append(bias)
            starts.append(len(weights))
        self.weights, self.biases, self.starts = weights, biases, starts

    def run(self, n: int, x):
        last = n == len(self.starts) - 2
        for i in range(self.starts[n], self.starts[n + 1]):
            x = torch.nn.functional.linear(x, self.weights[i], self.biases[i])
            if not last or i < self.starts[n + 1] - 1:
                x = torch.relu(x)
        return x

    def at(self, h, index):
        padded = torch.cat([h, torch.zeros_like(h[:, :1])], 1)
        return torch.gather(padded, 1,
                            index.unsqueeze(-1).expand(-1, -1, h.shape[2]))

    def forward(self, x, edges):
        source, target = edges[:, 0], edges[:, 1]
        h = self.run(0, x)
        e = self.run(1, torch.cat([self.at(x, source), self.at(x, target)], -1))
        iterations = (len(self.starts) - 4) // 2
        for i in range(iterations):
            e = e + self.run(2 + 2 * i, torch.cat(
                [self.at(h, source), self.at(h, target), e], -1))
            sums = torch.zeros(h.shape[0], self.nodes + 1, h.shape[2],
                               dtype=h.dtype)
            sums = sums.scatter_add(
                1, target.unsqueeze(-1).expand(-1, -1, e.shape[2]), e)
            sums = sums.scatter_add(
                1, source.unsqueeze(-1).expand(-1, -1, e.shape[2]), e)
            h = h + self.run(3 + 2 * i, torch.cat(
                [h, sums[:, :self.nodes]], -1))
        y = self.run(len(self.starts) - 2, torch.cat(
            [self.at(h, source), self.at(h, target), e], -1))
        return torch.sigmoid(y).squeeze(-1)


def write_edge_classifier_script(onnx_path, script_path):
    import re

    import onnx
    import onnx.numpy_helper
    model = onnx.load(onnx_path)
    weights = {t.name: torch.tensor(onnx.numpy_helper.to_array(t))
               for t in model.graph.initializer}
    order = ["node_encoder", "edge_encoder"]
    iterations = len({m.group(1) for m in
                      (re.match(r"edge_net(\d+)_", n) for n in weights) if m})
    for i in range(1, iterations + 1):
        order += [f"edge_net{i}", f"node_net{i}"]
    order.append("classifier")
    networks = []
    for net in order:
        layers = sorted(int(m.group(1)) for m in
                        (re.match(net + r"_(\d+)_weight$", n)
                         for n in weights) if m)
        networks.append([(weights[f"{net}_{i}_weight"],
                          weights[f"{net}_{i}_bias"]) for i in layers])
    nodes = model.graph.input[0].type.tensor_type.shape.dim[1].dim_value
    torch.jit.script(EdgeClassifier(networks, nodes).eval()).save(script_path)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    write_jet_tagger(os.path.join(here, "jet_tagger.onnx"))
    write_tracknet(os.path.join(here, "tracknet.onnx"))
    write_interaction_net(os.path.join(here, "interaction_net.onnx"),
                          os.path.join(here, "interaction_net.pt"))
    write_edge_classifier_script(
        os.path.join(here, "gnn_edge_classifier.onnx"),
        os.path.join(here, "gnn_edge_classifier.pt"))


if __name__ == "__main__":
    main()
