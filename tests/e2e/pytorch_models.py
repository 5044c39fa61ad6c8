#!/usr/bin/python3
"""End-to-end: PyTorch-exported models through ariadnec (MLPs, residual
and gating sums and products of activations, attention (one head; masked
encoder blocks with layer norms and GELU in both export forms;
nn.MultiheadAttention and nn.TransformerEncoderLayer),
convolutional networks, recurrent layers, graph networks: an interaction
network with int64 edge indices (gather, scatter_add), graphs without a
batch (x[index], scatter; index_put, repeat) and GraphNet's incidence
matrices; masks: a bool mask input, comparisons, torch.where and
masked_fill, nn.MultiheadAttention's boolean key padding mask).

Each model is exported with torch.onnx.export (Debian's python3-torch) at
the opset named, then
  - `ariadnec emulate` must reproduce PyTorch's outputs within float
    rounding (the float path is the reference), and
  - `ariadnec validate --target cpp` must build the generated package and
    agree with the emulator;
  - at each fixed-point precision of FIXED_PRECISIONS (RECURRENT_PRECISIONS
    for the recurrent models), on the same events
    plus events at and beyond the limits of the types, the generated
    fixed-point package must agree with the integer emulator bit for bit
    (`validate` compares the raw integers), and the emulator must count the
    overflows those limit events cause; and the Vitis HLS project's C
    simulation (`validate --target hls`, built with g++ against the
    runtime's ap_fixed stand-in) must agree bit for bit too, with every
    layer fully parallel (reuse factor 1); at VARIANT_PRECISIONS also with
    the resource strategy at a reuse factor of 3, and for the models of
    STREAM_MODELS with `io = "stream"` (feature maps as streams of pixels),
    fully parallel and with the resource strategy at a reuse factor of 2,
    and for the recurrent models of SEQUENTIAL_MODELS with `time_loop =
    "sequential"` (the repeated steps as a loop over one cell), with either
    strategy, and for the models of DA_MODELS with the strategy
    "distributed_arithmetic" (dense layers as shifts and adds);
  - where nvcc is found (on PATH or at /usr/local/cuda/bin), the CUDA
    package must build with nvcc and agree with the emulator at float and,
    bit for bit, at CUDA_PRECISIONS (on the GPU when there is one,
    otherwise the same per-event code on the host).
A CNN exported with a pinned batch (a Reshape to [5, -1]) is refused, and
runs on 37 events with --dynamic-batch, in float and bit for bit in fixed
point. Then the shipped example (27-81-2, tanh(x/2)) at `auto` precision with a
16-bit budget must stay within AUTO_TOLERANCE of the float model.
Usage: pytorch_models.py ARIADNEC WORKDIR EXAMPLE_DIR
ARIADNE_E2E_MODELS=name,name runs only the models named.
"""
import concurrent.futures
import math
import os
import subprocess
import sys
import threading
import zlib

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from required_tools import IN_CI, find_tool, missing_tool_message  # noqa: E402

TOLERANCE = 1e-5  # absolute and relative: float rounding of ~100-term sums
FIXED_PRECISIONS = ["fixed<16,6>", "fixed<8,3>", "fixed<10,4,RND,SAT>", "auto"]
# The unrolled recurrent models are the largest packages: three precisions
# (a truncating, a rounding and saturating one, and auto).
RECURRENT_PRECISIONS = ["fixed<16,6>", "fixed<10,4,RND,SAT>", "auto"]
RECURRENT_MODELS = {"gru_tracker", "lstm_last_step", "gru_bidirectional",
                    "rnn_time_major"}
# Layer norms and divisions by activations read tables over the calibration
# range of their operands at every precision: these models are compiled
# with --calibration throughout.
CALIBRATED_MODELS = {"hit_transformer", "hit_transformer_ln17",
                     "torch_attention_bool_mask",
                     "torch_encoder", "torch_encoder_pre_norm_gelu"}
ATTENTION_AUTO_TOLERANCE = 5e-2
AUTO_TOLERANCE = 1e-2
# nvcc builds are slow: the CUDA packages are checked at one fixed-point
# precision besides float, and built for one GPU architecture (CUDAARCHS,
# which the packages' CMakeLists.txt honours) unless the caller names some.
CUDA_PRECISIONS = ["fixed<16,6>"]
# The HLS variants (resource strategy, io_stream, the sequential time loop)
# schedule the same integer patterns differently: they are checked at a
# rounding and saturating type and at auto (a type per layer), the plain
# C++ and HLS packages at every precision.
VARIANT_PRECISIONS = ["fixed<10,4,RND,SAT>", "auto"]
os.environ.setdefault("CUDAARCHS", "80")
NVCC = find_tool("nvcc", ["/usr/local/cuda/bin/nvcc"])
TORCH_LOCK = threading.Lock()
RESOURCE_CONFIG = None  # written into the work directory by main()
# Values at and beyond the limits of fixed<16,6> (+-32), fixed<8,3> (+-16)
# and fixed<10,4> (+-8), each filling a whole event.
LIMIT_VALUES = [31.984375, -32.0, 40.0, -40.0, 15.96875, -16.0, 7.9921875,
                -8.0, 1000.0, -1000.0]


class HalfTanh(torch.nn.Module):
    def forward(self, x):
        return torch.tanh(x / 2)


class FlattenHead(torch.nn.Module):
    """An [N, 3, 4] input flattened the way PyTorch code usually does it."""

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(12, 6)
        self.out = torch.nn.Linear(6, 3)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        x = torch.relu(self.fc(x))
        return torch.flatten(self.out(x).unsqueeze(1), 1)


class TwoHeads(torch.nn.Module):
    """Two inputs concatenated, two outputs."""

    def __init__(self):
        super().__init__()
        self.trunk = torch.nn.Linear(7, 16)
        self.z = torch.nn.Linear(16, 1)
        self.cls = torch.nn.Linear(16, 3)

    def forward(self, hits, extra):
        h = torch.tanh(self.trunk(torch.cat([hits, extra], dim=1)))
        return self.z(h), torch.softmax(self.cls(h), dim=1)


class ResidualGating(torch.nn.Module):
    """Two activations combined: a residual sum, a gate broadcast over the
    features (sigmoid(a) * x) and a difference of two heads; and constants
    applied to activations (a scaled branch, an offset)."""

    def __init__(self):
        super().__init__()
        self.inp = torch.nn.Linear(8, 16)
        self.mid = torch.nn.Linear(16, 16)
        self.gate = torch.nn.Linear(8, 1)
        self.out = torch.nn.Linear(16, 3)
        self.skip = torch.nn.Linear(8, 3)

    def forward(self, x):
        h = torch.relu(self.inp(x))
        r = h + 0.5 * torch.tanh(self.mid(h))
        g = torch.sigmoid(self.gate(x)) * r
        return self.out(g) - self.skip(x) + 1.0


class SelfAttention(torch.nn.Module):
    """One attention head over 4 hits of 6 features: scores and weighted
    sums are matrix products of two activations, the scores scaled by a
    constant."""

    def __init__(self):
        super().__init__()
        self.q = torch.nn.Linear(6, 8)
        self.k = torch.nn.Linear(6, 8)
        self.v = torch.nn.Linear(6, 8)
        self.out = torch.nn.Linear(32, 2)

    def forward(self, x):
        s = torch.matmul(self.q(x), self.k(x).transpose(1, 2)) / 4.0
        s = torch.softmax(s, dim=-1)
        return self.out(torch.matmul(s, self.v(x)).flatten(1))


class HitTransformer(torch.nn.Module):
    """A masked encoder block over a set of 6 hits (3 features and a 0/1
    mask): 2 heads split from one projection, scores plus (mask - 1) *
    10000, residuals, layer norms, a feed-forward GELU and a masked mean
    (a division by the hit count). `gelu` picks the exact (Erf) or the tanh
    form; exported at opset 13 the layer norms are written out (ReduceMean,
    Sub, Pow, Sqrt, Div), at 17 they are LayerNormalization."""

    def __init__(self, heads=2, gelu="none"):
        super().__init__()
        self.heads, self.width = heads, 8
        self.embed = torch.nn.Linear(3, 8)
        self.qkv = torch.nn.Linear(8, 24)
        self.proj = torch.nn.Linear(8, 8)
        self.norm1 = torch.nn.LayerNorm(8)
        self.norm2 = torch.nn.LayerNorm(8)
        for norm in (self.norm1, self.norm2):
            torch.nn.init.uniform_(norm.weight, 0.5, 1.5)
            torch.nn.init.uniform_(norm.bias, -0.5, 0.5)
        self.ff1 = torch.nn.Linear(8, 16)
        self.ff2 = torch.nn.Linear(16, 8)
        self.act = torch.nn.GELU(approximate=gelu)
        self.out = torch.nn.Linear(8, 2)

    def make_inputs(self, batch):
        hits = torch.randn(batch, 6, 3) * 2
        mask = (torch.rand(batch, 6) < 0.7).float()
        mask[:, 0] = 1.0
        return [torch.cat([hits, mask[:, :, None]], dim=2)]

    def forward(self, x):
        hits, mask = x[:, :, :3], x[:, :, 3]
        batch, n = hits.shape[0], hits.shape[1]
        h = self.embed(hits)
        q, k, v = self.qkv(h).split(self.width, dim=-1)
        d = self.width // self.heads

        def heads(t):
            return t.reshape(batch, n, self.heads, d).transpose(1, 2)

        q, k, v = heads(q), heads(k), heads(v)
        s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d)
        s = s + (mask[:, None, None, :] - 1.0) * 10000.0
        a = torch.matmul(torch.softmax(s, dim=-1), v)
        a = a.transpose(1, 2).reshape(batch, n, self.width)
        h = self.norm1(h + self.proj(a))
        h = self.norm2(h + self.ff2(self.act(self.ff1(h))))
        m = mask[:, :, None]
        return self.out((h * m).sum(1) / m.sum(1))


def padding_mask(batch, hits):
    """A float key padding mask: 0 for a hit, -10000 for padding (at least
    the first hit of an event is real), as nn.MultiheadAttention adds it to
    the scores."""
    padded = torch.rand(batch, hits) < 0.3
    padded[:, 0] = False
    return padded.float() * -10000.0


class TorchAttention(torch.nn.Module):
    """nn.MultiheadAttention (2 heads, batch first) over 5 hits of 8
    features with a key padding mask, as PyTorch exports it: the batch moved
    to axis 1, merged with the heads by reshapes and split off again, the
    mask expanded over the heads, the output projection a Gemm over
    [hits * batch, 8]."""

    def __init__(self):
        super().__init__()
        self.attention = torch.nn.MultiheadAttention(8, 2, batch_first=True)
        self.out = torch.nn.Linear(8, 2)

    def make_inputs(self, batch):
        return [torch.randn(batch, 5, 8) * 2, padding_mask(batch, 5)]

    def forward(self, x, mask):
        return self.out(self.attention(x, x, x, key_padding_mask=mask,
                                       need_weights=False)[0])


class TorchAttentionBoolMask(TorchAttention):
    """TorchAttention with a boolean key padding mask input (True for
    padding), which PyTorch turns into -inf on the merged batch and heads
    (Expand, Cast, ConstantOfShape, Where) before adding it to the
    scores."""

    def make_inputs(self, batch):
        return [torch.randn(batch, 5, 8) * 2, padding_mask(batch, 5) != 0]

    def csv_inputs(self, inputs):
        x, mask = inputs
        return [x, mask.float()]


class TorchEncoder(torch.nn.Module):
    """nn.TransformerEncoderLayer (2 heads, feed-forward width 16, batch
    first) over 5 hits of 8 features: post-norm with ReLU, or pre-norm with
    GELU and a key padding mask."""

    def __init__(self, norm_first=False, activation="relu"):
        super().__init__()
        self.masked = norm_first
        self.encoder = torch.nn.TransformerEncoderLayer(
            8, 2, 16, dropout=0.0, activation=activation, batch_first=True,
            norm_first=norm_first)
        for norm in (self.encoder.norm1, self.encoder.norm2):
            torch.nn.init.uniform_(norm.weight, 0.5, 1.5)
            torch.nn.init.uniform_(norm.bias, -0.5, 0.5)

    def make_inputs(self, batch):
        x = torch.randn(batch, 5, 8) * 2
        return [x, padding_mask(batch, 5)] if self.masked else [x]

    def forward(self, x, mask=None):
        return self.encoder(x, src_key_padding_mask=mask)


class InteractionNet(torch.nn.Module):
    """A gnn4ITk-style interaction network over graphs of 6 nodes (3
    features) and 10 directed edges given as an int64 edge index [2, 10]:
    node features gathered to the edges (torch.gather along the nodes),
    an edge MLP, its messages summed into the target nodes (scatter_add),
    a residual node update and an edge classifier on the gathered updated
    nodes. PyTorch exports the Expand chains, GatherElements and
    ScatterElements with reduction add (opset 16)."""

    NODES, EDGES, FEATURES, HIDDEN = 6, 10, 3, 8
    opset = 16

    def __init__(self):
        super().__init__()
        f, h = self.FEATURES, self.HIDDEN
        self.edge = torch.nn.Sequential(torch.nn.Linear(2 * f, h),
                                        torch.nn.ReLU(), torch.nn.Linear(h, h))
        self.node = torch.nn.Sequential(torch.nn.Linear(f + h, h),
                                        torch.nn.ReLU(), torch.nn.Linear(h, f))
        self.classify = torch.nn.Linear(2 * f + h, 1)

    def make_inputs(self, batch):
        return [torch.randn(batch, self.NODES, self.FEATURES) * 2,
                torch.randint(0, self.NODES, (batch, 2, self.EDGES))]

    def csv_inputs(self, inputs):
        """The events as the CSV holds them: every other index counted from
        the end (ONNX's negative indices; PyTorch's gather refuses them)."""
        x, edges = inputs
        edges = edges.clone()
        edges[..., ::2] -= self.NODES
        return [x, edges]

    def along_edges(self, x, index, width):
        return torch.gather(x, 1, index.unsqueeze(-1).expand(-1, -1, width))

    def forward(self, x, edges):
        source, target = edges[:, 0], edges[:, 1]
        f = self.FEATURES
        e = self.edge(torch.cat([self.along_edges(x, source, f),
                                 self.along_edges(x, target, f)], -1))
        zeros = torch.zeros_like(x[:, :, :1]).expand(-1, -1, self.HIDDEN)
        messages = zeros.scatter_add(
            1, target.unsqueeze(-1).expand(-1, -1, self.HIDDEN), e)
        h = x + self.node(torch.cat([x, messages], -1))
        return torch.sigmoid(self.classify(torch.cat(
            [self.along_edges(h, source, f), self.along_edges(h, target, f),
             e], -1)))


class GraphIndexSelect(torch.nn.Module):
    """One graph without a batch (every dimension static): x[index] (Gather
    at run-time indices), index_add written as scatter_add over the nodes,
    and a scatter (reduction none) of node scores to a permutation."""

    NODES, EDGES = 5, 7
    opset = 16

    def __init__(self):
        super().__init__()
        self.message = torch.nn.Linear(6, 4)
        self.score = torch.nn.Linear(4, 1)

    def make_inputs(self, batch):
        return [torch.randn(self.NODES, 3) * 2,
                torch.randint(0, self.NODES, (2, self.EDGES)),
                torch.randperm(self.NODES)]

    def forward(self, x, edges, order):
        m = torch.tanh(self.message(torch.cat([x[edges[0]], x[edges[1]]], -1)))
        nodes = torch.zeros(self.NODES, 4).scatter_add(
            0, edges[1].unsqueeze(-1).expand(-1, 4), m)
        scores = self.score(nodes)
        return torch.zeros(self.NODES, 1).scatter(0, order.unsqueeze(-1),
                                                  scores)


class GraphNetIncidence(torch.nn.Module):
    """Ariadne's GraphNet style: messages passed with dense 0/1 incidence
    matrices R_in, R_out [nodes, edges] (float inputs) and bmm."""

    NODES, EDGES = 5, 6

    def __init__(self):
        super().__init__()
        self.edge = torch.nn.Linear(6, 4)
        self.node = torch.nn.Linear(7, 3)
        self.classify = torch.nn.Linear(6, 1)

    def make_inputs(self, batch):
        def incidence():
            r = torch.zeros(batch, self.NODES, self.EDGES)
            r.scatter_(1, torch.randint(0, self.NODES,
                                        (batch, 1, self.EDGES)), 1.0)
            return r
        return [torch.randn(batch, self.NODES, 3) * 2, incidence(),
                incidence()]

    def forward(self, x, r_in, r_out):
        bo = torch.bmm(r_out.transpose(1, 2), x)
        bi = torch.bmm(r_in.transpose(1, 2), x)
        e = torch.relu(self.edge(torch.cat([bo, bi], -1)))
        h = x + self.node(torch.cat([x, torch.bmm(r_in, e)], -1))
        return torch.sigmoid(self.classify(torch.cat(
            [torch.bmm(r_out.transpose(1, 2), h),
             torch.bmm(r_in.transpose(1, 2), h)], -1)))


class MaskedWhere(torch.nn.Module):
    """Masks and conditions over 6 hits of 4 features with a bool padding
    mask input: torch.where on a comparison of two activations,
    masked_fill through the negated mask, comparisons with constants
    (>=, <, ==) combined with & and |, and masks cast to float."""

    HITS, FEATURES = 6, 4

    def __init__(self):
        super().__init__()
        self.a = torch.nn.Linear(4, 4)
        self.b = torch.nn.Linear(4, 4)

    def make_inputs(self, batch):
        x = torch.randn(batch, self.HITS, self.FEATURES) * 2
        # Some exact ties, for ==.
        ties = torch.rand(batch, self.HITS) < 0.3
        x[..., 3] = torch.where(ties, x[..., 2], x[..., 3])
        return [x, torch.rand(batch, self.HITS) < 0.7]

    def csv_inputs(self, inputs):
        x, mask = inputs
        return [x, mask.float()]

    def forward(self, x, mask):
        a, b = self.a(x), self.b(x)
        y = torch.where(a > b, a, 0.5 * b)
        y = y.masked_fill(~mask.unsqueeze(-1), -3.0)
        near = (x[..., :1] >= 0.25) & mask.unsqueeze(-1)
        far = (x[..., 1:2] < -0.5) | (x[..., 2:3] == x[..., 3:4])
        return y + near.float() * 2 - far.float() + mask.float().unsqueeze(-1)


class GraphIndexPut(torch.nn.Module):
    """One graph without a batch: node scores written to a permutation of
    the nodes by index_put with accumulate (ScatterND into zeros, and an
    Add), repeated along the features (Tile), and a choice by a
    comparison of the int64 permutation itself (torch.where(order > 2), the
    other branch negated)."""

    NODES = 5

    def __init__(self):
        super().__init__()
        self.score = torch.nn.Linear(3, 2)

    def make_inputs(self, batch):
        return [torch.randn(self.NODES, 3) * 2, torch.randperm(self.NODES)]

    def forward(self, x, order):
        scores = torch.tanh(self.score(x))
        placed = torch.zeros(self.NODES, 2).index_put((order,), scores,
                                                      accumulate=True)
        tiled = placed.repeat(1, 2)
        late = (order > 2).unsqueeze(-1)
        return torch.where(late, tiled, -tiled)


class CaloCnn(torch.nn.Module):
    """A calorimeter-image CNN on 2 channels of 6x6 cells: a padded
    convolution, batch norm after its activation, a strided grouped one and
    a dilated one with uneven padding, then a dense head."""

    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(2, 4, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(4)
        self.c2 = torch.nn.Conv2d(4, 4, 3, stride=2, padding=1, groups=2)
        self.c3 = torch.nn.Conv2d(4, 3, 2, dilation=2, padding=(1, 0))
        self.fc = torch.nn.Linear(9, 2)
        randomize_statistics(self.bn)

    def forward(self, x):
        y = self.bn(torch.relu(self.c1(x)))
        y = torch.tanh(self.c2(y))
        return self.fc(self.c3(y).flatten(1))


class HitConv1d(torch.nn.Module):
    """A Conv1d front over 8 hits of 3 coordinates (TrackNETv2's), with
    batch norm folded into the convolution, and a depthwise one."""

    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv1d(3, 6, 3, padding=1, bias=False)
        self.bn = torch.nn.BatchNorm1d(6)
        self.c2 = torch.nn.Conv1d(6, 6, 5, padding=2, groups=6)
        self.fc = torch.nn.Linear(48, 2)
        randomize_statistics(self.bn)

    def forward(self, x):
        y = torch.relu(self.bn(self.c1(x)))
        return self.fc(torch.sigmoid(self.c2(y)).flatten(1))


class ChannelsLast(torch.nn.Module):
    """A channel-last model as Keras exports it: transposes around the
    convolution."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 3, (2, 3), stride=(1, 2))
        self.fc = torch.nn.Linear(27, 2)

    def forward(self, x):
        y = torch.relu(self.conv(x.permute(0, 3, 1, 2))).permute(0, 2, 3, 1)
        return self.fc(y.flatten(1))


class CaloPool(torch.nn.Module):
    """Pooling on an 8x8 single-channel image: max pooling (plain, and
    padded with ceil_mode), average pooling, and both global pools."""

    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.c2 = torch.nn.Conv2d(4, 4, 3, padding=1)
        self.pool = torch.nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.fc = torch.nn.Linear(12, 2)

    def forward(self, x):
        y = torch.nn.functional.max_pool2d(torch.relu(self.c1(x)), 2)
        y = torch.nn.functional.avg_pool2d(self.c2(y), 2, stride=1)
        y = self.pool(y)
        g = torch.cat([y.amax(dim=(2, 3)),
                       torch.nn.functional.adaptive_avg_pool2d(y, 1).flatten(1),
                       torch.nn.functional.adaptive_max_pool2d(y, 1).flatten(1)],
                      dim=1)
        return self.fc(g)


class CnnActivations(torch.nn.Module):
    """The activations CNN exports carry: ELU, SELU, HardSwish, and PReLU
    with one slope and with one per channel."""

    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv1d(2, 4, 3, padding=1)
        self.p1 = torch.nn.PReLU(4)
        self.c2 = torch.nn.Conv1d(4, 4, 3, padding=1)
        self.p2 = torch.nn.PReLU()
        self.fc = torch.nn.Linear(24, 8)
        self.out = torch.nn.Linear(8, 2)
        with torch.no_grad():
            self.p1.weight.uniform_(-0.5, 0.5)
            self.p2.weight.fill_(0.2)

    def forward(self, x):
        y = self.p1(self.c1(x))
        y = torch.nn.functional.elu(self.c2(y), alpha=0.8)
        y = self.p2(torch.nn.functional.selu(y)).flatten(1)
        return self.out(torch.nn.functional.hardswish(self.fc(y)))


class GruTracker(torch.nn.Module):
    """TrackNETv2's shape: a Conv1d over the hit coordinates, a 2-layer GRU
    and two heads at every step, the second through Softplus."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv1d(3, 4, 3, padding=1)
        self.gru = torch.nn.GRU(4, 6, num_layers=2, batch_first=True)
        self.centre = torch.nn.Linear(6, 2)
        self.radii = torch.nn.Linear(6, 2)

    def forward(self, x):
        y = torch.relu(self.conv(x.transpose(1, 2))).transpose(1, 2)
        y, _ = self.gru(y)
        return torch.cat([self.centre(y),
                          torch.nn.functional.softplus(self.radii(y))], dim=2)


class LstmLastStep(torch.nn.Module):
    """An LSTM read at its last step (y[:, -1]) and through its final
    state (h[-1])."""

    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(3, 5, batch_first=True)
        self.fc = torch.nn.Linear(10, 2)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        return self.fc(torch.cat([y[:, -1], h[-1] * c[-1]], dim=1))


class BidirectionalGru(torch.nn.Module):
    """A bidirectional GRU, every step of both directions."""

    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(2, 4, batch_first=True, bidirectional=True)

    def forward(self, x):
        return self.gru(x)[0]


class TimeMajorRnn(torch.nn.Module):
    """Time-major recurrent layers (batch_first=False): a 2-layer LSTM and
    an Elman RNN with ReLU, read through their final states."""

    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(3, 4, num_layers=2)
        self.rnn = torch.nn.RNN(4, 4, nonlinearity="relu")
        self.fc = torch.nn.Linear(8, 2)

    def forward(self, x):
        y, (h, _) = self.lstm(x.transpose(0, 1))
        _, g = self.rnn(y)
        return self.fc(torch.cat([h[-1], g[0]], dim=1))


def randomize_statistics(bn):
    """Non-trivial running statistics, as after training."""
    bn.running_mean.uniform_(-1, 1)
    bn.running_var.uniform_(0.5, 2)
    bn.weight.data.uniform_(0.5, 1.5)
    bn.bias.data.uniform_(-0.5, 0.5)


def with_batchnorm():
    model = torch.nn.Sequential(
        torch.nn.Linear(10, 20), torch.nn.BatchNorm1d(20), torch.nn.ReLU(),
        torch.nn.Linear(20, 4), torch.nn.BatchNorm1d(4))
    for bn in (model[1], model[4]):
        randomize_statistics(bn)
    return model


MODELS = [
    # name, builder, input shapes (batch first), opset, dynamic batch
    ("mlp_tanh_half", lambda: torch.nn.Sequential(
        torch.nn.Linear(27, 81), HalfTanh(), torch.nn.Linear(81, 2), HalfTanh()),
     [(27,)], 11, True),
    ("mlp_relu_softmax", lambda: torch.nn.Sequential(
        torch.nn.Linear(16, 64), torch.nn.ReLU(), torch.nn.Linear(64, 32),
        torch.nn.ReLU(), torch.nn.Linear(32, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 5), torch.nn.Softmax(dim=1)),
     [(16,)], 13, True),
    ("mlp_leaky_sigmoid", lambda: torch.nn.Sequential(
        torch.nn.Linear(8, 12), torch.nn.LeakyReLU(0.1), torch.nn.Linear(12, 2),
        torch.nn.Sigmoid()),
     [(8,)], 17, True),
    ("mlp_batchnorm", with_batchnorm, [(10,)], 13, True),
    ("mlp_softsign_hardsigmoid_clip", lambda: torch.nn.Sequential(
        torch.nn.Linear(6, 9), torch.nn.Softsign(), torch.nn.Linear(9, 9),
        torch.nn.Hardsigmoid(), torch.nn.Linear(9, 3), torch.nn.Hardtanh(-0.5, 0.5)),
     [(6,)], 11, True),
    ("mlp_flatten", FlattenHead, [(3, 4)], 13, True),
    ("mlp_two_heads", TwoHeads, [(4,), (3,)], 13, True),
    ("residual_gating", ResidualGating, [(8,)], 13, True),
    ("self_attention", SelfAttention, [(4, 6)], 13, True),
    ("calo_cnn", CaloCnn, [(2, 6, 6)], 13, True),
    ("hit_conv1d", HitConv1d, [(3, 8)], 17, True),
    ("channels_last", ChannelsLast, [(4, 7, 2)], 11, True),
    ("calo_pool", CaloPool, [(1, 8, 8)], 13, True),
    ("cnn_activations", CnnActivations, [(2, 6)], 14, True),
    ("gru_tracker", GruTracker, [(5, 3)], 14, True),
    ("lstm_last_step", LstmLastStep, [(4, 3)], 14, True),
    ("gru_bidirectional", BidirectionalGru, [(4, 2)], 14, True),
    ("rnn_time_major", TimeMajorRnn, [(4, 3)], 14, True),
    ("hit_transformer", HitTransformer, [(6, 4)], 13, True),
    ("hit_transformer_ln17", lambda: HitTransformer(heads=1, gelu="tanh"),
     [(6, 4)], 17, True),
    ("torch_attention", TorchAttention, [(5, 8), (5,)], 13, True),
    ("torch_attention_bool_mask", TorchAttentionBoolMask, [(5, 8), (5,)], 13,
     True),
    ("torch_encoder", TorchEncoder, [(5, 8)], 13, True),
    ("torch_encoder_pre_norm_gelu", lambda: TorchEncoder(True, "gelu"),
     [(5, 8), (5,)], 17, True),
    ("interaction_net", InteractionNet, [(6, 3), (2, 10)], 16, True),
    ("graph_index_select", GraphIndexSelect, [(5, 3), (2, 7), (5,)], 16,
     False),
    ("graphnet_incidence", GraphNetIncidence, [(5, 3), (5, 6), (5, 6)], 13,
     True),
    ("masked_where", MaskedWhere, [(6, 4), (6,)], 13, True),
    ("graph_index_put", GraphIndexPut, [(5, 3), (5,)], 16, False),
    ("mlp_static", lambda: torch.nn.Sequential(
        torch.nn.Linear(5, 7), torch.nn.Tanh(), torch.nn.Linear(7, 2)),
     [(5,)], 13, False),
]


def write_csv(path, rows):
    with open(path, "w") as f:
        f.write("# events\n")
        for row in rows:
            f.write(",".join(repr(float(v)) for v in row) + "\n")


def read_csv(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                rows.append([float(v) for v in line.split(",")])
    return rows


def export_model(workdir, name, build, shapes, opset, dynamic):
    """Exports one entry of MODELS into WORKDIR: NAME.onnx and NAME_in.csv
    (its events, flattened). Returns the ONNX path, the events' CSV and
    PyTorch's flattened outputs."""
    # PyTorch's random state is global: one model at a time draws from it.
    with TORCH_LOCK:
        torch.manual_seed(zlib.crc32(name.encode()))
        model = build().eval()
        batch = 64 if dynamic else 1
        if hasattr(model, "make_inputs"):
            inputs = model.make_inputs(batch)
        else:
            inputs = [torch.randn(batch, *s) * 2 for s in shapes]
            inputs[0][0].fill_(8.0)    # saturates tanh/sigmoid
            inputs[0][-1].fill_(-8.0)
        in_names = [f"in{i}" for i in range(len(shapes))]
        with torch.no_grad():
            outputs = model(*inputs)
        if isinstance(outputs, torch.Tensor):
            outputs = (outputs,)
        out_names = [f"out{i}" for i in range(len(outputs))]
        axes = {n: {0: "events"} for n in in_names + out_names} if dynamic else None
        onnx_path = os.path.join(workdir, name + ".onnx")
        torch.onnx.export(model, tuple(inputs), onnx_path, input_names=in_names,
                          output_names=out_names, dynamic_axes=axes,
                          opset_version=opset)

        if hasattr(model, "csv_inputs"):
            inputs = model.csv_inputs(inputs)
        flat_in = torch.cat([t.reshape(batch, -1) for t in inputs], dim=1)
        flat_out = torch.cat([t.reshape(batch, -1) for t in outputs], dim=1)
        in_csv = os.path.join(workdir, name + "_in.csv")
        write_csv(in_csv, flat_in.tolist())
    return onnx_path, in_csv, flat_out


def limits_events(workdir, name, in_csv):
    """NAME_limits.csv: the events of IN_CSV plus one event per value of
    LIMIT_VALUES (every input at that value)."""
    rows = read_csv(in_csv)
    limits_csv = os.path.join(workdir, name + "_limits.csv")
    write_csv(limits_csv, rows + [[v] * len(rows[0]) for v in LIMIT_VALUES])
    return limits_csv


def run_model(ariadnec, workdir, name, build, shapes, opset, dynamic):
    onnx_path, in_csv, flat_out = export_model(workdir, name, build, shapes,
                                               opset, dynamic)
    batch = flat_out.shape[0]
    out_csv = os.path.join(workdir, name + "_out.csv")
    subprocess.run([ariadnec, "emulate", onnx_path, "--input", in_csv,
                    "-o", out_csv], check=True, capture_output=True, text=True)
    got = torch.tensor(read_csv(out_csv))
    if got.shape != flat_out.shape:
        return f"emulator output shape {tuple(got.shape)}, PyTorch {tuple(flat_out.shape)}"
    diff = (got - flat_out).abs()
    bound = TOLERANCE * (1 + flat_out.abs())
    if not bool((diff <= bound).all()):
        i = int((diff - bound).argmax())
        return (f"emulator differs from PyTorch at flat index {i}: "
                f"{got.flatten()[i].item()} vs {flat_out.flatten()[i].item()}")

    for target in ["cpp", "cuda"] if NVCC else ["cpp"]:
        result = subprocess.run([ariadnec, "validate", onnx_path, "--target",
                                 target, "--input", in_csv, "-o",
                                 os.path.join(workdir, f"{name}_{target}")],
                                capture_output=True, text=True)
        if result.returncode != 0:
            return (f"validate --target {target} failed: " +
                    (result.stderr or result.stdout).strip())

    # A static model runs one event per row: no room for limit rows.
    limits_csv = (in_csv if batch == 1
                  else limits_events(workdir, name, in_csv))
    if name in CALIBRATED_MODELS:
        # auto at an 18-bit budget stays close to PyTorch on its own
        # calibration events.
        auto_csv = os.path.join(workdir, name + "_auto18.csv")
        subprocess.run([ariadnec, "emulate", onnx_path, "--input", in_csv,
                        "-o", auto_csv, "--precision", "auto", "--max-width",
                        "18", "--calibration", in_csv], check=True,
                       capture_output=True, text=True)
        worst = (torch.tensor(read_csv(auto_csv)) - flat_out).abs().max().item()
        if not worst < ATTENTION_AUTO_TOLERANCE:
            return (f"auto (18 bits) differs from PyTorch by {worst}, not "
                    f"below {ATTENTION_AUTO_TOLERANCE}")
    precisions = (RECURRENT_PRECISIONS if name in RECURRENT_MODELS
                  else FIXED_PRECISIONS)
    for precision in precisions:
        error = check_fixed(ariadnec, onnx_path, precision, limits_csv, in_csv,
                            expect_overflow=batch > 1 and precision != "auto",
                            calibrated=name in CALIBRATED_MODELS)
        if error:
            return f"{precision}: {error}"
    return None


def fixed_args(precision, calibration, calibrated=False):
    args = ["--precision", precision]
    if precision == "auto" or calibrated:
        args += ["--calibration", calibration]
    return args


# The convolutional models (and an MLP, which streams one word per event)
# whose HLS projects are also checked with io = "stream".
STREAM_MODELS = {"calo_cnn", "hit_conv1d", "channels_last", "calo_pool",
                 "cnn_activations", "gru_tracker", "mlp_two_heads"}
# The recurrent models whose HLS projects are also checked with their steps
# as a loop over one cell.
SEQUENTIAL_MODELS = {"gru_tracker", "lstm_last_step", "gru_bidirectional",
                     "rnn_time_major"}
# The models whose HLS projects are also checked with every dense layer as
# distributed arithmetic (shifts and adds with shared sums): MLPs, dense
# layers on the rows of an event (attention, edges), a convolution (a row
# per pixel, and with io = "stream" a pixel stage) and a recurrent cell.
DA_MODELS = {"mlp_tanh_half", "mlp_relu_softmax", "mlp_batchnorm",
             "mlp_two_heads", "self_attention", "calo_cnn", "gru_tracker",
             "interaction_net"}
# ... and, with io = "stream" or the sequential time loop, one model each.
STREAM_DA_MODELS = {"calo_cnn"}
SEQUENTIAL_DA_MODELS = {"gru_tracker"}


def write_resource_config(workdir):
    """Configs that build every layer with the resource strategy, and
    the stream and sequential ones."""
    global RESOURCE_CONFIG, STREAM_CONFIGS, SEQUENTIAL_CONFIGS, DA_CONFIG
    global STREAM_DA_CONFIG, SEQUENTIAL_DA_CONFIG
    configs = {"hls_resource.toml":
               '[hls]\nstrategy = "resource"\nreuse_factor = 3\n',
               "hls_stream.toml": '[hls]\nio = "stream"\n',
               "hls_stream_resource.toml":
               '[hls]\nio = "stream"\nstrategy = "resource"\n'
               'reuse_factor = 2\n',
               "hls_sequential.toml": '[hls]\ntime_loop = "sequential"\n',
               "hls_sequential_resource.toml":
               '[hls]\ntime_loop = "sequential"\nstrategy = "resource"\n'
               'reuse_factor = 2\n',
               "hls_da.toml": '[hls]\nstrategy = "distributed_arithmetic"\n',
               "hls_stream_da.toml":
               '[hls]\nio = "stream"\nstrategy = "distributed_arithmetic"\n',
               "hls_sequential_da.toml":
               '[hls]\ntime_loop = "sequential"\n'
               'strategy = "distributed_arithmetic"\n'}
    for name, text in configs.items():
        with open(os.path.join(workdir, name), "w") as f:
            f.write(text)
    RESOURCE_CONFIG = os.path.join(workdir, "hls_resource.toml")
    DA_CONFIG = os.path.join(workdir, "hls_da.toml")
    STREAM_DA_CONFIG = os.path.join(workdir, "hls_stream_da.toml")
    SEQUENTIAL_DA_CONFIG = os.path.join(workdir, "hls_sequential_da.toml")
    STREAM_CONFIGS = [os.path.join(workdir, name) for name in
                      ("hls_stream.toml", "hls_stream_resource.toml")]
    SEQUENTIAL_CONFIGS = [os.path.join(workdir, name) for name in
                          ("hls_sequential.toml",
                           "hls_sequential_resource.toml")]


def check_fixed(ariadnec, onnx_path, precision, events, calibration,
                expect_overflow, calibrated=False):
    """Bit-exact validate at one precision (C++ and HLS), and the overflow
    report."""
    args = fixed_args(precision, calibration, calibrated)
    targets = [("cpp", []), ("hls", [])]
    name = os.path.splitext(os.path.basename(onnx_path))[0]
    if precision in VARIANT_PRECISIONS:
        targets.append(("hls", ["--config", RESOURCE_CONFIG]))
        if name in STREAM_MODELS:
            targets += [("hls", ["--config", c]) for c in STREAM_CONFIGS]
        if name in SEQUENTIAL_MODELS:
            targets += [("hls", ["--config", c]) for c in SEQUENTIAL_CONFIGS]
        if name in DA_MODELS:
            targets.append(("hls", ["--config", DA_CONFIG]))
        if name in STREAM_DA_MODELS:
            targets.append(("hls", ["--config", STREAM_DA_CONFIG]))
        if name in SEQUENTIAL_DA_MODELS:
            targets.append(("hls", ["--config", SEQUENTIAL_DA_CONFIG]))
    if NVCC and precision in CUDA_PRECISIONS:
        targets.append(("cuda", []))
    for target, extra in targets:
        result = subprocess.run([ariadnec, "validate", onnx_path, "--target",
                                 target, "--input", events] + args + extra,
                                capture_output=True, text=True)
        if result.returncode != 0 or "bit for bit" not in result.stdout:
            return (f"validate --target {target} {' '.join(extra)} failed: " +
                    (result.stderr or result.stdout).strip())
    result = subprocess.run([ariadnec, "emulate", onnx_path, "--input", events,
                             "-o", os.devnull, "--report-overflow"] + args,
                            capture_output=True, text=True)
    if result.returncode != 0:
        return "emulate failed: " + result.stderr.strip()
    totals = [l for l in result.stderr.splitlines() if l.startswith("overflow:")]
    if len(totals) != 1:
        return "emulate --report-overflow printed no totals"
    counted = [int(w) for w in totals[0].split() if w.isdigit()]
    if expect_overflow and sum(counted) == 0:
        return "events beyond the type limits overflowed nothing: " + totals[0]
    return None


def check_example(ariadnec, workdir, example_dir):
    """The shipped example at auto precision, 16-bit budget, vs float."""
    onnx_path = os.path.join(example_dir, "neurotrigger.onnx")
    events = os.path.join(example_dir, "events.csv")
    result = subprocess.run([ariadnec, "emulate", onnx_path, "--input", events,
                             "-o", os.path.join(workdir, "example_auto.csv"),
                             "--precision", "auto", "--calibration", events,
                             "--max-width", "16", "--compare", "float"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return "emulate failed: " + result.stderr.strip()
    rows = [l.split() for l in result.stderr.splitlines()
            if l.startswith("z_theta")]
    if len(rows) != 1:
        return "no comparison row for z_theta in: " + result.stderr
    worst = float(rows[0][1])
    print(f"     example auto (16 bits): max |error| vs float {worst:.3g}")
    if not worst < AUTO_TOLERANCE:
        return f"max |error| {worst} is not below {AUTO_TOLERANCE}"
    for precision in FIXED_PRECISIONS:
        error = check_fixed(ariadnec, onnx_path, precision, events, events,
                            expect_overflow=False)
        if error:
            return f"{precision}: {error}"
    return None


class PinnedBatch(torch.nn.Module):
    """A CNN whose export pins the batch: traced with 5 events and no
    dynamic axes, its flatten a Reshape to the constant [5, -1]."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 3, 3, padding=1)
        self.fc = torch.nn.Linear(3 * 4 * 4, 2)

    def forward(self, x):
        y = torch.relu(self.conv(x))
        return self.fc(y.view(y.size(0), -1))


def check_dynamic_batch(ariadnec, workdir):
    """--dynamic-batch runs a fixed-batch export on any number of events."""
    with TORCH_LOCK:
        torch.manual_seed(5)
        model = PinnedBatch().eval()
        onnx_path = os.path.join(workdir, "pinned_batch.onnx")
        torch.onnx.export(model, torch.randn(5, 2, 4, 4), onnx_path,
                          input_names=["x"], output_names=["y"],
                          opset_version=13)
        events = torch.randn(37, 2, 4, 4)
        with torch.no_grad():
            expected = model(events)
    in_csv = os.path.join(workdir, "pinned_batch_in.csv")
    out_csv = os.path.join(workdir, "pinned_batch_out.csv")
    write_csv(in_csv, events.reshape(37, -1).tolist())
    result = subprocess.run([ariadnec, "emulate", onnx_path, "--input", in_csv,
                             "-o", out_csv], capture_output=True, text=True)
    if result.returncode == 0 or "--dynamic-batch" not in result.stderr:
        return "without --dynamic-batch the pinned batch was not refused: " + \
            result.stderr
    result = subprocess.run([ariadnec, "emulate", onnx_path, "--dynamic-batch",
                             "--input", in_csv, "-o", out_csv],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return "emulate --dynamic-batch failed: " + result.stderr.strip()
    got = torch.tensor(read_csv(out_csv))
    if got.shape != expected.shape:
        return f"{tuple(got.shape)} outputs, PyTorch {tuple(expected.shape)}"
    if not bool(((got - expected).abs() <=
                 TOLERANCE * (1 + expected.abs())).all()):
        return "emulate --dynamic-batch differs from PyTorch"
    result = subprocess.run([ariadnec, "validate", onnx_path, "--dynamic-batch",
                             "--target", "cpp", "--input", in_csv,
                             "--precision", "fixed<12,4,RND,SAT>"],
                            capture_output=True, text=True)
    if result.returncode != 0 or "bit for bit" not in result.stdout:
        return "validate --dynamic-batch failed: " + \
            (result.stderr or result.stdout).strip()
    return None


def main():
    ariadnec, workdir, example_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(workdir, exist_ok=True)
    write_resource_config(workdir)
    passed = failed = 0
    only = os.environ.get("ARIADNE_E2E_MODELS")
    models = [m for m in MODELS if not only or m[0] in only.split(",")]
    if NVCC:
        print(f"     CUDA packages built with {NVCC}")
    else:
        print(missing_tool_message("nvcc", "CUDA packages"))
        failed += IN_CI

    def run(entry):
        name, build, shapes, opset, dynamic = entry
        try:
            return run_model(ariadnec, workdir, name, build, shapes, opset,
                             dynamic)
        except subprocess.CalledProcessError as e:
            return f"{e.cmd[1]} failed: {e.stderr.strip()}"

    # The models are independent: run them side by side (each validate
    # builds a package), reporting in order.
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        errors = list(pool.map(run, models))
    for (name, _, _, opset, _), error in zip(models, errors):
        if error:
            failed += 1
            print(f"FAIL {name} (opset {opset}): {error}")
        else:
            passed += 1
            print(f"ok   {name} (opset {opset})")
    if not only:
        error = check_dynamic_batch(ariadnec, workdir)
        if error:
            failed += 1
            print(f"FAIL dynamic batch: {error}")
        else:
            passed += 1
            print("ok   dynamic batch (a fixed-batch export, --dynamic-batch)")
        error = check_example(ariadnec, workdir, example_dir)
        if error:
            failed += 1
            print(f"FAIL example neurotrigger: {error}")
        else:
            passed += 1
            print("ok   example neurotrigger (float, fixed point, auto)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
