//===- Program.h - the emulator's flat program of steps ---------*- C++ -*-===//
//
// What `Emulator::create` builds from a function: tensors laid out in
// preallocated storage and a list of steps, one object per op, that run on a
// chunk of events at a time. Nothing here refers to MLIR, so `run` never
// touches the IR. The element type is a parameter so that an integer
// (fixed-point) interpretation can reuse the storage planning and the chunk
// loop with its own steps.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_EMULATOR_PROGRAM_H
#define ARIADNE_EMULATOR_PROGRAM_H

#include "passes/NN/NNOps.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace ariadne::emu {

/// A value of the program. Values computed from the inputs are per event:
/// each event of a chunk has its own copy of `shape` (the type's shape with
/// the batch dimension dropped, or the whole type when the model has no
/// batch). Values computed from constants alone are shared: one copy of the
/// whole tensor, evaluated once when the program is built.
struct TensorInfo {
  llvm::SmallVector<int64_t, 4> shape;
  int64_t size = 1; // elements in one copy
  bool perEvent = false;
  int storage = -1; // several tensors share a storage when one is a view

  /// Distance between the copies of two consecutive events (0 if shared).
  int64_t eventStride() const { return perEvent ? size : 0; }
};

/// One operation of the program. `run` processes `events` events; for steps
/// on shared values it is called once with `events` = 1.
template <typename T> class Step {
public:
  virtual ~Step() = default;
  /// `tensors[i]` points at the storage of tensor i (the first event's copy).
  virtual void run(T *const *tensors, int64_t events) const = 0;
};

/// Elements in a shape.
inline int64_t productOf(llvm::ArrayRef<int64_t> shape) {
  return nn::elementCount(shape);
}
using nn::stridesOf;

/// A loop nest over the elements of a result with one stride per operand
/// (operand 0 is usually the result itself). The outermost loop runs over the
/// events of a chunk; dimensions that are contiguous for every operand are
/// merged when the nest is built, so that elementwise work on whole events
/// becomes one long inner loop the compiler can vectorize.
template <size_t N> class StridedNest {
public:
  using Offsets = std::array<int64_t, N>;

  /// `counts` and `strides` describe one event; `eventStrides` the distance
  /// between events; `base` a starting offset per operand.
  StridedNest(const Offsets &eventStrides, llvm::ArrayRef<int64_t> counts,
              llvm::ArrayRef<Offsets> strides, const Offsets &base = {})
      : base(base) {
    dims.push_back({1, eventStrides});
    for (size_t d = 0; d < counts.size(); ++d) {
      if (counts[d] == 0)
        empty = true;
      if (counts[d] != 1)
        dims.push_back({counts[d], strides[d]});
    }
    // Merge from the inside out. The event dimension's count is only known
    // at run time; merging into it multiplies eventFactor instead.
    for (size_t d = dims.size() - 1; d >= 1; --d) {
      bool contiguous = true;
      for (size_t op = 0; op < N; ++op)
        contiguous &=
            dims[d - 1].strides[op] == dims[d].strides[op] * dims[d].count;
      if (!contiguous)
        continue;
      if (d == 1)
        eventFactor *= dims[d].count;
      else
        dims[d - 1].count *= dims[d].count;
      dims[d - 1].strides = dims[d].strides;
      dims.erase(dims.begin() + d);
    }
  }

  /// Calls fn(offsets, count, strides) for every innermost run of elements:
  /// element i of the run is at offsets[op] + i * strides[op].
  template <typename Fn> void forEachRow(int64_t events, Fn &&fn) const {
    if (empty || events == 0)
      return;
    size_t depth = dims.size();
    auto countOf = [&](size_t d) {
      return d == 0 ? events * eventFactor : dims[d].count;
    };
    if (depth == 1) {
      fn(base, countOf(0), dims[0].strides);
      return;
    }
    llvm::SmallVector<int64_t, 8> index(depth - 1, 0);
    Offsets offsets = base;
    const Offsets &inner = dims[depth - 1].strides;
    while (true) {
      fn(offsets, countOf(depth - 1), inner);
      // Advance the odometer over the outer dimensions.
      size_t d = depth - 1;
      while (d-- > 0) {
        for (size_t op = 0; op < N; ++op)
          offsets[op] += dims[d].strides[op];
        if (++index[d] < countOf(d))
          break;
        for (size_t op = 0; op < N; ++op)
          offsets[op] -= dims[d].strides[op] * countOf(d);
        index[d] = 0;
        if (d == 0)
          return;
      }
    }
  }

private:
  struct Dim {
    int64_t count;
    Offsets strides;
  };
  llvm::SmallVector<Dim, 6> dims;
  int64_t eventFactor = 1;
  Offsets base;
  bool empty = false;
};

/// Tensors, their storage and the steps that compute them.
template <typename T> class Program {
public:
  /// Adds a tensor without storage; `allocate` or `alias` gives it one.
  int addTensor(llvm::ArrayRef<int64_t> shape, bool perEvent) {
    TensorInfo info;
    info.shape.assign(shape.begin(), shape.end());
    info.size = productOf(shape);
    info.perEvent = perEvent;
    tensors.push_back(std::move(info));
    return int(tensors.size()) - 1;
  }

  /// Gives `tensor` storage of its own.
  void allocate(int tensor) {
    TensorInfo &info = tensors[tensor];
    if (info.storage >= 0)
      return;
    Storage storage;
    storage.size = info.size;
    storage.perEvent = info.perEvent;
    if (!info.perEvent)
      storage.shared.assign(info.size, T());
    storages.push_back(std::move(storage));
    info.storage = int(storages.size()) - 1;
  }

  /// Makes `tensor` a view of the elements of `of` (same count, same kind).
  void alias(int tensor, int of) {
    tensors[tensor].storage = tensors[of].storage;
  }

  const TensorInfo &tensor(int i) const { return tensors[i]; }
  size_t numTensors() const { return tensors.size(); }

  /// Runs a step whose result is shared, once, while the program is built.
  void evaluateShared(const Step<T> &step) {
    std::vector<T *> pointers = basePointers();
    step.run(pointers.data(), 1);
  }

  void addStep(std::unique_ptr<Step<T>> step) {
    steps.push_back(std::move(step));
  }
  void addInput(int tensor) { inputs.push_back(tensor); }
  void addOutput(int tensor) { outputs.push_back(tensor); }

  /// Lays out the per-event storage for chunks of at most `maxChunkEvents`
  /// events, fewer when events are large, so that memory stays bounded.
  void finalize(size_t maxChunkEvents) {
    int64_t perEvent = 0;
    for (Storage &s : storages)
      if (s.perEvent) {
        s.offset = perEvent;
        perEvent += s.size;
      }
    constexpr int64_t kArenaBytes = 16 << 20;
    chunk = std::max<int64_t>(1, int64_t(maxChunkEvents));
    if (perEvent)
      chunk = std::max<int64_t>(
          1, std::min(chunk, kArenaBytes / (perEvent * int64_t(sizeof(T)))));
    for (Storage &s : storages)
      s.offset *= chunk;
    arena.assign(size_t(perEvent * chunk), T());
  }

  size_t chunkEvents() const { return size_t(chunk); }

  /// Runs `n` events given as rows of the inputs concatenated, writing rows
  /// of the outputs concatenated. `load(i, src, dst, count)` converts the
  /// elements of input i, `store(i, src, dst, count)` those of output i.
  template <typename Load, typename Store>
  void run(const float *in, float *out, size_t n, Load &&load, Store &&store) {
    run(in, out, n, outputs, load, store, [](T *const *, int64_t) {});
  }

  /// As above, with the rows written from `outTensors` (as many elements
  /// each as the program's outputs) instead of the outputs, and
  /// `inspect(tensors, events)` called after the steps of every chunk,
  /// while every tensor holds the chunk's values.
  template <typename In, typename Out, typename Load, typename Store,
            typename Inspect>
  void run(const In *in, Out *out, size_t n, llvm::ArrayRef<int> outTensors,
           Load &&load, Store &&store, Inspect &&inspect) {
    std::vector<T *> pointers = basePointers();
    int64_t rowIn = 0, rowOut = 0;
    for (int t : inputs)
      rowIn += tensors[t].size;
    for (int t : outTensors)
      rowOut += tensors[t].size;
    for (size_t start = 0; start < n; start += size_t(chunk)) {
      int64_t events = std::min<int64_t>(chunk, int64_t(n - start));
      int64_t offset = 0;
      for (size_t i = 0; i < inputs.size(); ++i) {
        const TensorInfo &info = tensors[inputs[i]];
        const In *src = in + int64_t(start) * rowIn + offset;
        for (int64_t e = 0; e < events; ++e)
          load(i, src + e * rowIn, pointers[inputs[i]] + e * info.size,
               info.size);
        offset += info.size;
      }
      for (const auto &step : steps)
        step->run(pointers.data(), events);
      inspect(pointers.data(), events);
      offset = 0;
      for (size_t i = 0; i < outTensors.size(); ++i) {
        const TensorInfo &info = tensors[outTensors[i]];
        Out *dst = out + int64_t(start) * rowOut + offset;
        for (int64_t e = 0; e < events; ++e)
          store(i, pointers[outTensors[i]] + e * info.eventStride(),
                dst + e * rowOut, info.size);
        offset += info.size;
      }
    }
  }

  /// The tensors of the program's outputs, in order.
  llvm::ArrayRef<int> outputTensors() const { return outputs; }

private:
  struct Storage {
    int64_t size = 0;
    bool perEvent = false;
    int64_t offset = 0;    // into the arena, for per-event storage
    std::vector<T> shared; // the elements, for shared storage
  };

  std::vector<T *> basePointers() {
    std::vector<T *> pointers(tensors.size(), nullptr);
    for (size_t i = 0; i < tensors.size(); ++i) {
      if (tensors[i].storage < 0)
        continue;
      Storage &s = storages[tensors[i].storage];
      if (!s.perEvent)
        pointers[i] = s.shared.data();
      else if (!arena.empty())
        pointers[i] = arena.data() + s.offset;
    }
    return pointers;
  }

  std::vector<TensorInfo> tensors;
  std::vector<Storage> storages;
  std::vector<std::unique_ptr<Step<T>>> steps;
  std::vector<int> inputs, outputs;
  std::vector<T> arena;
  int64_t chunk = 1;
};

} // namespace ariadne::emu

#endif // ARIADNE_EMULATOR_PROGRAM_H
