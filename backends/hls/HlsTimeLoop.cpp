//===- HlsTimeLoop.cpp - recurrent steps as a loop over one cell ----------===//
//
// A recurrent layer imports unrolled, each step's ops marked with their
// step (passes/Support/RecurrentSteps.h). With `[hls] time_loop =
// "sequential"` the steps that repeat the same cell run as a loop whose
// body is that cell once: same ops, attributes and types, each operand
// computed in the same step, carried from the step before (the hidden
// state, the LSTM cell), or the same value for every step, and the step's
// input a slice that moves by a fixed number of elements per step. The
// first step usually differs (a zero initial state is left out of its
// ops) and stays unrolled before the loop. Values that leave the loop (the
// layer's outputs, read by the ops after it) are written into an array per
// step. The loop's iterations depend on each other, so the top function is
// no longer pipelined: one event per latency.
//
//===----------------------------------------------------------------------===//
#include "backends/common/ElementSources.h"
#include "backends/common/Naming.h"
#include "backends/hls/HlsEmitter.h"
#include "passes/FX/FXOps.h"
#include "passes/FX/FXTypes.h"
#include "passes/NN/NNOps.h"
#include "passes/Support/RecurrentSteps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <map>

using namespace mlir;

namespace ariadne {
namespace hls {

namespace {

/// Steps `first` to the end of one direction of a recurrent layer as a loop.
struct TimeLoop {
  SmallVector<SmallVector<Operation *>> steps;
  unsigned first = 0;
  /// The carried values: the position of their producer in a step, and
  /// the value the first looped step reads instead.
  llvm::MapVector<unsigned, Value> carries;
  /// (position, operand) of the ops that read a carried value, and which.
  llvm::DenseMap<std::pair<unsigned, unsigned>, unsigned> carried;
  /// Slices that move by a fixed number of source elements per step.
  llvm::DenseMap<unsigned, int64_t> sliceMoves;
  /// Positions whose value ops after the loop read.
  SmallVector<unsigned> exports;
};

/// Whether steps `first`.. of `loop` repeat step `first`; fills the
/// carries, slice moves and exports.
bool rolls(TimeLoop &loop) {
  ArrayRef<Operation *> ref = loop.steps[loop.first];
  llvm::DenseMap<Operation *, std::pair<unsigned, unsigned>> where;
  for (auto [s, step] : llvm::enumerate(loop.steps))
    for (auto [i, op] : llvm::enumerate(step))
      where[op] = {unsigned(s), unsigned(i)};
  auto stepOf = [&](Value v) -> std::optional<std::pair<unsigned, unsigned>> {
    Operation *def = v.getDefiningOp();
    auto it = def ? where.find(def) : where.end();
    if (it == where.end())
      return std::nullopt;
    return it->second;
  };
  llvm::DenseSet<unsigned> exported;
  for (unsigned t = loop.first; t < loop.steps.size(); ++t) {
    ArrayRef<Operation *> cur = loop.steps[t];
    if (cur.size() != ref.size())
      return false;
    for (auto [i, pair] : llvm::enumerate(llvm::zip(ref, cur))) {
      auto [a, c] = pair;
      if (a->getName() != c->getName() ||
          a->getNumOperands() != c->getNumOperands() ||
          a->getNumResults() != 1 || c->getNumResults() != 1 ||
          a->getResult(0).getType() != c->getResult(0).getType())
        return false;
      if (auto slice = llvm::dyn_cast<nn::SliceOp>(a)) {
        SmallVector<ElementSource> sa = elementSources(a),
                                   sc = elementSources(c);
        if (sa.size() != sc.size() || sa.empty())
          return false;
        int64_t moved = sc.front().second - sa.front().second;
        int64_t steps = int64_t(t - loop.first);
        if (steps > 0 && moved % steps != 0)
          return false;
        int64_t move = steps ? moved / steps : 0;
        for (auto [x, y] : llvm::zip(sa, sc))
          if (x.first != y.first || x.second < 0 ||
              y.second != x.second + move * steps)
            return false;
        if (steps) {
          auto [it, fresh] = loop.sliceMoves.try_emplace(unsigned(i), move);
          if (!fresh && it->second != move)
            return false;
        }
      } else if (a->getAttrDictionary() != c->getAttrDictionary()) {
        return false;
      }
      for (unsigned j = 0; j < a->getNumOperands(); ++j) {
        Value va = a->getOperand(j), vc = c->getOperand(j);
        if (va.getType() != vc.getType())
          return false;
        auto at = stepOf(vc);
        if (at && at->first == t) {
          auto ra = stepOf(va);
          if (!ra || ra->first != loop.first || ra->second != at->second)
            return false;
        } else if (at && at->first + 1 == t && t > loop.first) {
          // Carried from the step before; the first looped step reads va.
          if (auto ra = stepOf(va); ra && ra->first == loop.first)
            return false;
          auto [it, fresh] = loop.carries.try_emplace(at->second, va);
          if (!fresh && it->second != va)
            return false;
          auto [use, new_] =
              loop.carried.try_emplace({unsigned(i), j}, at->second);
          if (!new_ && use->second != at->second)
            return false;
        } else if (vc != va) {
          return false;
        }
      }
      // Readers outside the loop's steps take the value from its array.
      for (Operation *user : c->getResult(0).getUsers()) {
        auto it = where.find(user);
        if (it == where.end()) {
          if (exported.insert(unsigned(i)).second)
            loop.exports.push_back(unsigned(i));
        } else if (it->second.first != t && it->second.first != t + 1) {
          return false;
        }
      }
    }
  }
  // A value that starts a carried state is read only as that state (the
  // loop reads it from the state's array).
  for (auto [i, op] : llvm::enumerate(ref))
    for (auto [j, v] : llvm::enumerate(op->getOperands()))
      if (!loop.carried.count({unsigned(i), unsigned(j)}) &&
          llvm::is_contained(llvm::make_second_range(loop.carries), v))
        return false;
  // Every read of a carried position in the next step is one we know.
  for (unsigned t = loop.first + 1; t < loop.steps.size(); ++t)
    for (auto [i, op] : llvm::enumerate(loop.steps[t]))
      for (auto [j, v] : llvm::enumerate(op->getOperands())) {
        auto at = stepOf(v);
        if (at && at->first + 1 == t &&
            !loop.carried.count({unsigned(i), unsigned(j)}))
          return false;
      }
  return true;
}

/// The recurrent layers of `fn` whose steps roll into loops.
std::vector<TimeLoop> findTimeLoops(func::FuncOp fn) {
  struct Group {
    std::map<int64_t, SmallVector<Operation *>> steps;
    Operation *firstOp = nullptr, *lastOp = nullptr;
    int64_t count = 0, lastStep = -1;
    bool ordered = true;
  };
  llvm::MapVector<std::pair<Location, int64_t>, Group> groups;
  llvm::DenseMap<Operation *, int64_t> position;
  int64_t index = 0;
  for (Operation &op : fn.getBody().front()) {
    position[&op] = index++;
    std::optional<RecurrentStep> step = recurrentStepOf(op.getLoc());
    if (!step)
      continue;
    Group &g = groups[{step->layer, step->direction}];
    g.ordered = g.ordered && step->step >= g.lastStep;
    g.lastStep = step->step;
    g.steps[step->step].push_back(&op);
    g.firstOp = g.firstOp ? g.firstOp : &op;
    g.lastOp = &op;
    ++g.count;
  }
  std::vector<TimeLoop> loops;
  for (auto &[key, g] : groups) {
    // The steps lie together, in order, with nothing else between them.
    if (!g.ordered || position[g.lastOp] - position[g.firstOp] + 1 != g.count)
      continue;
    TimeLoop loop;
    for (auto &[s, ops] : g.steps)
      loop.steps.push_back(ops);
    for (unsigned first = 0; first < 2; ++first) {
      if (loop.steps.size() < first + 2)
        break;
      TimeLoop candidate = loop;
      candidate.first = first;
      if (rolls(candidate)) {
        loops.push_back(std::move(candidate));
        break;
      }
    }
  }
  return loops;
}

} // namespace

class TimeLoops::Impl {
public:
  std::vector<TimeLoop> loops;
  llvm::DenseMap<Operation *, unsigned> starts;
  llvm::DenseSet<Operation *> inside;
};

TimeLoops::TimeLoops(func::FuncOp fn, bool sequential)
    : impl(std::make_unique<Impl>()) {
  if (!sequential)
    return;
  impl->loops = findTimeLoops(fn);
  for (auto [k, loop] : llvm::enumerate(impl->loops)) {
    impl->starts[loop.steps[loop.first].front()] = unsigned(k);
    for (unsigned t = loop.first; t < loop.steps.size(); ++t)
      impl->inside.insert(loop.steps[t].begin(), loop.steps[t].end());
  }
}

TimeLoops::~TimeLoops() = default;

bool TimeLoops::empty() const { return impl->loops.empty(); }

LogicalResult TimeLoops::emit(Operation *op, HlsEmission &emission,
                              const HlsPatterns &patterns) const {
  auto start = impl->starts.find(op);
  if (start == impl->starts.end()) {
    if (impl->inside.contains(op))
      return success();
    const auto *pattern = patterns.lookup(op);
    if (!pattern)
      return op->emitOpError("has no emission pattern in the hls target");
    return (*pattern)(op, emission);
  }
  const TimeLoop &loop = impl->loops[start->second];
  ArrayRef<Operation *> cell = loop.steps[loop.first];
  unsigned count = unsigned(loop.steps.size()) - loop.first;
  std::string layer = emission.layerName(op);
  std::string id = emission.unique(emission.identifier(op) + "_steps");
  raw_ostream &body = emission.body();
  body << "  // " << layer << ": steps " << loop.first << " to "
       << loop.steps.size() - 1 << " as a loop over one cell\n";
  // The carried values, started from what the first looped step reads.
  SmallVector<std::pair<Value, std::pair<std::string, std::string>>> saved;
  llvm::DenseMap<unsigned, std::string> states;
  for (auto [producer, init] : loop.carries) {
    std::string state = id + "_state" + std::to_string(states.size());
    std::string type = emission.typeOf(init);
    int64_t n = emission.eventSize(init);
    body << "  " << type << " " << state << "[" << n << "];\n"
         << "#pragma HLS ARRAY_PARTITION variable=" << state << " complete\n"
         << "  for (unsigned i = 0; i < " << n << "; ++i) {\n"
         << "#pragma HLS UNROLL\n"
         << "    " << state << "[i] = " << emission.arrayOf(init) << "[i];\n"
         << "  }\n";
    states[producer] = state;
    saved.push_back({init, {emission.arrayOf(init), type}});
    emission.bindArray(init, state, type);
  }
  std::string outer = emission.takeBody();
  size_t firstEstimate = emission.layerEstimates().size();
  for (auto [i, cellOp] : llvm::enumerate(cell)) {
    auto move = loop.sliceMoves.find(unsigned(i));
    if (move == loop.sliceMoves.end()) {
      const auto *pattern = patterns.lookup(cellOp);
      if (!pattern)
        return cellOp->emitOpError(
            "has no emission pattern in the hls target");
      if (failed((*pattern)(cellOp, emission)))
        return failure();
      continue;
    }
    // The step's input: a slice that moves with the step.
    std::string sliceId = emission.identifier(cellOp);
    std::string type = emission.typeName(
        sliceId + "_t", fx::elementTypeOf(cellOp->getResult(0)));
    emission.declareArray(cellOp->getResult(0), sliceId + "_out", type);
    std::string source = emission.arrayOf(cellOp->getOperand(0));
    for (auto [k, from] : llvm::enumerate(elementSources(cellOp)))
      emission.body() << "  " << sliceId << "_out[" << k << "] = " << source
                      << "[" << from.second << " + (step - " << loop.first
                      << ") * " << move->second << "];\n";
  }
  raw_ostream &cellBody = emission.body();
  for (unsigned p : loop.exports)
    cellBody << "  for (unsigned i = 0; i < "
             << emission.eventSize(cell[p]->getResult(0)) << "; ++i) {\n"
             << "#pragma HLS UNROLL\n"
             << "    " << id << "_out" << p << "[step - " << loop.first
             << "][i] = " << emission.arrayOf(cell[p]->getResult(0))
             << "[i];\n  }\n";
  for (auto &[producer, state] : states)
    cellBody << "  for (unsigned i = 0; i < "
             << emission.eventSize(cell[producer]->getResult(0))
             << "; ++i) {\n#pragma HLS UNROLL\n    " << state
             << "[i] = " << emission.arrayOf(cell[producer]->getResult(0))
             << "[i];\n  }\n";
  std::string inner = emission.takeBody();
  raw_ostream &all = emission.body();
  all << outer;
  for (unsigned p : loop.exports) {
    Value v = cell[p]->getResult(0);
    all << "  " << emission.typeOf(v) << " " << id << "_out" << p << "["
        << count << "][" << emission.eventSize(v) << "];\n"
        << "#pragma HLS ARRAY_PARTITION variable=" << id << "_out" << p
        << " complete dim=0\n";
  }
  all << "Steps_" << id << ":\n"
      << "  for (unsigned step = " << loop.first << "; step < "
      << loop.steps.size() << "; ++step) {\n";
  for (StringRef line : llvm::split(StringRef(inner).rtrim('\n'), '\n'))
    all << (line.starts_with("#") || line.empty() ? "" : "  ") << line << "\n";
  all << "  }\n";
  for (auto &[init, binding] : saved)
    emission.bindArray(init, binding.first, binding.second);
  for (unsigned p : loop.exports)
    for (unsigned t = loop.first; t < loop.steps.size(); ++t)
      emission.bindArray(loop.steps[t][p]->getResult(0),
                         id + "_out" + std::to_string(p) + "[" +
                             std::to_string(t - loop.first) + "]",
                         emission.typeOf(cell[p]->getResult(0)));
  // The estimate: the cell once; its latency per step, times the steps.
  int64_t perStep = 0;
  for (size_t i = firstEstimate; i < emission.layerEstimates().size(); ++i) {
    HlsLayerEstimate &e = emission.layerEstimates()[i];
    perStep += e.latency;
    e.detail = "per step" + (e.detail.empty() ? "" : ": " + e.detail);
  }
  HlsLayerEstimate e;
  e.name = layer;
  e.op = "time loop";
  e.detail = llvm::formatv("{0} steps, II {1} per step", count, perStep).str();
  e.latency = perStep * (int64_t(count) - 1);
  emission.addEstimate(e);
  return success();
}

} // namespace hls
} // namespace ariadne
