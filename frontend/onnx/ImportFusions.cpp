//===- ImportFusions.cpp - ONNX subgraphs imported as one layer -----------===//
//
// Exporters spell some layers as chains of primitive nodes: PyTorch writes
// GELU as x * 0.5 * (1 + erf(x / sqrt 2)) (or its tanh approximation) and,
// before opset 17, layer normalization as ReduceMean, Sub, Pow, ReduceMean,
// Add, Sqrt and Div. Imported node by node, each primitive would be its
// own fixed-point layer with its own rounding; recognized here, the chain
// is imported as the one layer it computes (GELU: one table; layer norm:
// exact statistics and one reciprocal-square-root table).
//
// A chain is fused only where its intermediate values are read by nothing
// outside it; its constants must be what the layer needs, within float
// rounding.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/ImportSupport.h"

#include "llvm/ADT/StringMap.h"

namespace ariadne {
namespace frontend {

namespace {

/// Who produces and who reads each value of a graph, and its constants.
class GraphIndex {
public:
  explicit GraphIndex(const onnx::GraphProto &graph) : graph(graph) {
    for (const onnx::TensorProto &init : graph.initializer())
      constants[init.name()] = &init;
    for (int i = 0; i < graph.node_size(); ++i) {
      const onnx::NodeProto &node = graph.node(i);
      for (const std::string &out : node.output())
        producers[out] = size_t(i);
      for (const std::string &in : node.input())
        if (!in.empty())
          ++uses[in];
      if (node.op_type() == "Constant" && node.output_size() == 1)
        for (const onnx::AttributeProto &a : node.attribute())
          if (a.name() == "value" && a.has_t())
            constants[node.output(0)] = &a.t();
      // PyTorch shares equal parameters through Identity nodes.
      if (node.op_type() == "Identity" && node.input_size() == 1 &&
          node.output_size() == 1)
        if (auto it = constants.find(node.input(0)); it != constants.end())
          constants[node.output(0)] = it->second;
    }
    for (const onnx::ValueInfoProto &out : graph.output())
      ++uses[out.name()];
  }

  /// The node producing `name` if it is `type` and `name` has `count`
  /// readers, else -1.
  int64_t producer(const std::string &name, llvm::StringRef type,
                   int count = 1) const {
    auto it = producers.find(name);
    if (it == producers.end() ||
        graph.node(int(it->second)).op_type() != type || usesOf(name) != count)
      return -1;
    return int64_t(it->second);
  }

  const onnx::NodeProto &node(int64_t i) const { return graph.node(int(i)); }
  int usesOf(const std::string &name) const {
    auto it = uses.find(name);
    return it == uses.end() ? 0 : it->second;
  }

  /// Whether `name` is compile-time float data.
  bool isConstant(const std::string &name) const {
    auto it = constants.find(name);
    return it != constants.end() &&
           it->second->data_type() == onnx::TensorProto::FLOAT;
  }

  /// Whether `name` is a float constant of one element within float
  /// rounding of `value`.
  bool isScalar(const std::string &name, double value) const {
    auto v = scalar(name);
    return v && std::fabs(*v - value) <= 1e-5 * std::fabs(value);
  }

  std::optional<double> scalar(const std::string &name) const {
    auto it = constants.find(name);
    if (it == constants.end())
      return std::nullopt;
    auto data = decodeFloatTensor(*it->second, name);
    if (!data) {
      llvm::consumeError(data.takeError());
      return std::nullopt;
    }
    if ((*data)->data.size() != 1)
      return std::nullopt;
    return (*data)->data.front();
  }

  /// The only node reading `name`, or -1.
  int64_t onlyReader(const std::string &name) const {
    if (usesOf(name) != 1)
      return -1;
    for (int i = 0; i < graph.node_size(); ++i)
      for (const std::string &in : graph.node(i).input())
        if (in == name)
          return i;
    return -1;
  }

private:
  const onnx::GraphProto &graph;
  llvm::StringMap<size_t> producers;
  llvm::StringMap<int> uses;
  llvm::StringMap<const onnx::TensorProto *> constants;
};

/// Input `i` of `node`, or "" where it has fewer (a malformed model must
/// not stop the search).
const std::string &inputOf(const onnx::NodeProto &node, int i) {
  static const std::string none;
  return i < node.input_size() ? node.input(i) : none;
}
const std::string &outputOf(const onnx::NodeProto &node, int i) {
  static const std::string none;
  return i < node.output_size() ? node.output(i) : none;
}

/// The two inputs of a binary node, in either order: calls `try` with
/// (a, b) and then (b, a) until it succeeds.
template <typename Fn>
bool eitherOrder(const onnx::NodeProto &node, Fn &&attempt) {
  if (node.input_size() != 2)
    return false;
  return attempt(node.input(0), node.input(1)) ||
         attempt(node.input(1), node.input(0));
}

int64_t intsAttrSingle(const onnx::NodeProto &node, llvm::StringRef name,
                       int64_t missing) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return a.ints_size() == 1 ? a.ints(0) : missing - 1;
  return missing;
}

int64_t intAttrOf(const onnx::NodeProto &node, llvm::StringRef name,
                  int64_t missing) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return a.i();
  return missing;
}

onnx::NodeProto fusedNode(const onnx::NodeProto &last, llvm::StringRef type,
                          llvm::ArrayRef<std::string> inputs) {
  onnx::NodeProto node;
  node.set_op_type(type.str());
  node.set_name(last.name());
  for (const std::string &in : inputs)
    node.add_input(in);
  node.add_output(outputOf(last, 0));
  return node;
}

/// x * 0.5 * (1 + erf(x / sqrt 2)) and 0.5 * x * (1 + tanh(sqrt(2 / pi) *
/// (x + 0.044715 x^3))), in the node orders PyTorch writes.
std::optional<FusedNode> matchGelu(const GraphIndex &g, int64_t lastIndex) {
  const onnx::NodeProto &last = g.node(lastIndex);
  if (last.op_type() != "Mul" || last.output_size() != 1)
    return std::nullopt;
  std::vector<int64_t> members;
  std::string x;
  bool exactForm = false;
  auto erfForm = [&](const std::string &input, const std::string &sum) {
    int64_t add = g.producer(sum, "Add");
    if (add < 0)
      return false;
    return eitherOrder(
        g.node(add), [&](const std::string &e, const std::string &one) {
          int64_t erf = g.producer(e, "Erf");
          if (erf < 0 || !g.isScalar(one, 1.0))
            return false;
          const std::string &t = inputOf(g.node(erf), 0);
          int64_t div = g.producer(t, "Div"), mul = g.producer(t, "Mul");
          bool scaled = false;
          if (div >= 0)
            scaled = inputOf(g.node(div), 0) == input &&
                     g.isScalar(inputOf(g.node(div), 1), std::sqrt(2.0));
          else if (mul >= 0)
            scaled = eitherOrder(
                g.node(mul), [&](const std::string &a, const std::string &c) {
                  return a == input && g.isScalar(c, std::sqrt(0.5));
                });
          if (!scaled)
            return false;
          members = {div >= 0 ? div : mul, erf, add};
          return true;
        });
  };
  auto tanhForm = [&](const std::string &input, const std::string &sum) {
    int64_t add = g.producer(sum, "Add");
    if (add < 0)
      return false;
    return eitherOrder(g.node(add), [&](const std::string &th,
                                        const std::string &one) {
      int64_t tanh = g.producer(th, "Tanh");
      if (tanh < 0 || !g.isScalar(one, 1.0))
        return false;
      int64_t s = g.producer(inputOf(g.node(tanh), 0), "Mul");
      if (s < 0)
        return false;
      return eitherOrder(g.node(s), [&](const std::string &c1,
                                        const std::string &uName) {
        int64_t u = g.producer(uName, "Add");
        if (!g.isScalar(c1, std::sqrt(2 / M_PI)) || u < 0)
          return false;
        return eitherOrder(g.node(u), [&](const std::string &xu,
                                          const std::string &kName) {
          int64_t k = g.producer(kName, "Mul");
          if (xu != input || k < 0)
            return false;
          return eitherOrder(g.node(k), [&](const std::string &c2,
                                            const std::string &cubeName) {
            if (!g.isScalar(c2, 0.044715))
              return false;
            if (int64_t pow = g.producer(cubeName, "Pow"); pow >= 0) {
              if (inputOf(g.node(pow), 0) != input ||
                  !g.isScalar(inputOf(g.node(pow), 1), 3.0))
                return false;
              members = {pow, k, u, s, tanh, add};
              return true;
            }
            int64_t cube = g.producer(cubeName, "Mul");
            if (cube < 0)
              return false;
            return eitherOrder(g.node(cube), [&](const std::string &xc,
                                                 const std::string &sqName) {
              int64_t sq = g.producer(sqName, "Mul");
              if (xc != input || sq < 0 || inputOf(g.node(sq), 0) != input ||
                  inputOf(g.node(sq), 1) != input)
                return false;
              members = {sq, cube, k, u, s, tanh, add};
              return true;
            });
          });
        });
      });
    });
  };
  bool matched = eitherOrder(
      last, [&](const std::string &half, const std::string &product) {
        int64_t mul = g.producer(product, "Mul");
        if (mul < 0 || !g.isScalar(half, 0.5))
          return false;
        return eitherOrder(g.node(mul),
                           [&](const std::string &in, const std::string &sum) {
                             if (erfForm(in, sum))
                               exactForm = true;
                             else if (!tanhForm(in, sum))
                               return false;
                             x = in;
                             members.push_back(mul);
                             return true;
                           });
      });
  if (!matched)
    return std::nullopt;
  FusedNode fused;
  fused.members = members;
  fused.members.push_back(lastIndex);
  fused.node = fusedNode(last, "Gelu", {x});
  auto *approximate = fused.node.add_attribute();
  approximate->set_name("approximate");
  approximate->set_type(onnx::AttributeProto::STRING);
  approximate->set_s(exactForm ? "none" : "tanh");
  fused.version = 20;
  fused.import = imports::importGelu;
  return fused;
}

/// (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) over the last axis,
/// then an optional constant scale and bias.
std::optional<FusedNode> matchLayerNorm(const GraphIndex &g, int64_t divIndex) {
  const onnx::NodeProto &div = g.node(divIndex);
  if (div.op_type() != "Div" || div.input_size() != 2 || div.output_size() != 1)
    return std::nullopt;
  auto lastAxisMean = [&](int64_t i) {
    return i >= 0 && intsAttrSingle(g.node(i), "axes", 0) == -1 &&
           intAttrOf(g.node(i), "keepdims", 1) == 1;
  };
  const std::string &d = inputOf(div, 0);
  // d feeds the square (once, or twice as Mul(d, d)) and the division.
  int64_t sub = g.producer(d, "Sub", 2);
  if (sub < 0)
    sub = g.producer(d, "Sub", 3);
  if (sub < 0)
    return std::nullopt;
  const std::string &x = inputOf(g.node(sub), 0);
  int64_t mean = g.producer(inputOf(g.node(sub), 1), "ReduceMean");
  if (!lastAxisMean(mean) || inputOf(g.node(mean), 0) != x)
    return std::nullopt;
  int64_t sqrt = g.producer(inputOf(div, 1), "Sqrt");
  if (sqrt < 0)
    return std::nullopt;
  int64_t addEps = g.producer(inputOf(g.node(sqrt), 0), "Add");
  if (addEps < 0)
    return std::nullopt;
  std::vector<int64_t> members;
  double epsilon = 0;
  bool matched = eitherOrder(
      g.node(addEps), [&](const std::string &v, const std::string &eps) {
        int64_t var = g.producer(v, "ReduceMean");
        auto e = g.scalar(eps);
        if (!lastAxisMean(var) || !e || !(*e >= 0))
          return false;
        const std::string &squared = inputOf(g.node(var), 0);
        int64_t square = g.producer(squared, "Pow");
        if (square >= 0) {
          if (inputOf(g.node(square), 0) != d ||
              !g.isScalar(inputOf(g.node(square), 1), 2.0) || g.usesOf(d) != 2)
            return false;
        } else {
          square = g.producer(squared, "Mul");
          if (square < 0 || inputOf(g.node(square), 0) != d ||
              inputOf(g.node(square), 1) != d || g.usesOf(d) != 3)
            return false;
        }
        epsilon = *e;
        members = {mean, sub, square, var, addEps, sqrt, divIndex};
        return true;
      });
  if (!matched)
    return std::nullopt;
  // The affine part, where the normalized value feeds only it.
  std::string scale, bias;
  int64_t last = divIndex;
  auto constantOperand = [&](int64_t i, llvm::StringRef type,
                             std::string &out) {
    if (i < 0 || g.node(i).op_type() != type)
      return false;
    return eitherOrder(g.node(i),
                       [&](const std::string &v, const std::string &c) {
                         if (v != outputOf(g.node(last), 0) || !g.isConstant(c))
                           return false;
                         out = c;
                         return true;
                       });
  };
  if (int64_t mul = g.onlyReader(outputOf(div, 0));
      constantOperand(mul, "Mul", scale)) {
    members.push_back(mul);
    last = mul;
  }
  if (int64_t add = g.onlyReader(outputOf(g.node(last), 0));
      constantOperand(add, "Add", bias)) {
    members.push_back(add);
    last = add;
  }
  FusedNode fused;
  fused.members = members;
  fused.node = fusedNode(g.node(last), "LayerNormalization", {x, scale, bias});
  auto *eps = fused.node.add_attribute();
  eps->set_name("epsilon");
  eps->set_type(onnx::AttributeProto::FLOAT);
  eps->set_f(float(epsilon));
  fused.version = 17;
  fused.import = imports::importLayerNorm;
  return fused;
}

} // namespace

std::vector<FusedNode> findFusions(const onnx::GraphProto &graph) {
  GraphIndex index(graph);
  std::vector<FusedNode> fusions;
  std::vector<bool> taken(size_t(graph.node_size()), false);
  for (int64_t i = 0; i < graph.node_size(); ++i) {
    std::optional<FusedNode> fused = matchLayerNorm(index, i);
    if (!fused)
      fused = matchGelu(index, i);
    if (!fused || llvm::any_of(fused->members,
                               [&](int64_t m) { return taken[size_t(m)]; }))
      continue;
    for (int64_t m : fused->members)
      taken[size_t(m)] = true;
    fused->last = *llvm::max_element(fused->members);
    fusions.push_back(std::move(*fused));
  }
  return fusions;
}

} // namespace frontend
} // namespace ariadne
