//===- emulator_matmul_test.cpp - float emulator, nn.matmul ---------------===//
//
// nn.matmul against a numpy-style reference on whole tensors (the batch
// dimension set to the number of events): broadcasting of the leading
// dimensions, 1-D promotion, constant and runtime operands on either side.
//
//===----------------------------------------------------------------------===//
#include "emulator_test_util.h"

using namespace emutest;

namespace {

using Shape = std::vector<int64_t>;
constexpr int64_t kBatch = -1;

struct Tensor {
  Shape shape;
  std::vector<double> data;
};

std::string typeOf(const Shape &shape) {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += (d == kBatch ? std::string("?") : std::to_string(d)) + "x";
  return s + "f32>";
}

Shape withBatch(Shape shape, int64_t n) {
  for (int64_t &d : shape)
    if (d == kBatch)
      d = n;
  return shape;
}

int64_t count(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// numpy.matmul in double.
Tensor matmulRef(Tensor a, Tensor b) {
  bool vecA = a.shape.size() == 1, vecB = b.shape.size() == 1;
  if (vecA)
    a.shape.insert(a.shape.begin(), 1);
  if (vecB)
    b.shape.push_back(1);
  int64_t m = a.shape[a.shape.size() - 2], k = a.shape.back();
  int64_t n = b.shape.back();
  REQUIRE(b.shape[b.shape.size() - 2] == k);
  Shape ba(a.shape.begin(), a.shape.end() - 2),
      bb(b.shape.begin(), b.shape.end() - 2);
  size_t rank = std::max(ba.size(), bb.size());
  ba.insert(ba.begin(), rank - ba.size(), 1);
  bb.insert(bb.begin(), rank - bb.size(), 1);
  Shape batch(rank);
  for (size_t d = 0; d < rank; ++d) {
    REQUIRE((ba[d] == bb[d] || ba[d] == 1 || bb[d] == 1));
    batch[d] = std::max(ba[d], bb[d]);
  }
  Tensor c;
  c.shape = batch;
  int64_t total = count(batch);
  for (int64_t flat = 0; flat < total; ++flat) {
    // Offsets of this batch element in a and b, broadcasting size-1 dims.
    int64_t rest = flat, offA = 0, offB = 0, strideA = 1, strideB = 1;
    for (size_t d = rank; d-- > 0;) {
      int64_t i = rest % batch[d];
      rest /= batch[d];
      offA += (ba[d] == 1 ? 0 : i) * strideA;
      offB += (bb[d] == 1 ? 0 : i) * strideB;
      strideA *= ba[d];
      strideB *= bb[d];
    }
    for (int64_t r = 0; r < m; ++r)
      for (int64_t col = 0; col < n; ++col) {
        double acc = 0;
        for (int64_t j = 0; j < k; ++j)
          acc += a.data[offA * m * k + r * k + j] *
                 b.data[offB * k * n + j * n + col];
        c.data.push_back(acc);
      }
  }
  if (!vecA)
    c.shape.push_back(m);
  if (!vecB)
    c.shape.push_back(n);
  return c;
}

struct Operand {
  Shape shape; // kBatch marks the batch dimension
  bool constant;
};

/// Builds `matmul(lhs, rhs)`, runs `events` events and compares.
void checkMatMul(const Operand &lhs, const Operand &rhs, const Shape &out,
                 int64_t events, unsigned seed) {
  bool batched = false;
  for (const Operand *o : {&lhs, &rhs})
    for (int64_t d : o->shape)
      batched |= d == kBatch;
  // Values: constants once; inputs for every event.
  std::vector<float> constants[2], inputs[2];
  const Operand *ops[2] = {&lhs, &rhs};
  std::string args, body, names[2];
  for (int i = 0; i < 2; ++i) {
    names[i] = i ? "%b" : "%a";
    if (ops[i]->constant) {
      constants[i] = randomFloats(count(ops[i]->shape), seed + i);
      body += "  " + names[i] + " = nn.constant " +
              denseHex(constants[i], typeOf(ops[i]->shape)) + "\n";
    } else {
      int64_t perEvent =
          batched ? count(withBatch(ops[i]->shape, 1)) : count(ops[i]->shape);
      inputs[i] = randomFloats(perEvent * events, seed + 10 + i);
      args += std::string(args.empty() ? "" : ", ") + names[i] + ": " +
              typeOf(ops[i]->shape);
    }
  }
  std::string text = "func.func @k(" + args + ") -> " + typeOf(out) + " {\n" +
                     body + "  %y = nn.matmul %a, %b : (" + typeOf(lhs.shape) +
                     ", " + typeOf(rhs.shape) + ") -> " + typeOf(out) +
                     "\n  return %y : " + typeOf(out) + "\n}\n";
  INFO(text);
  Model model(text);
  auto emu = model.emulator();

  // Rows: the runtime operands of each event, in argument order.
  std::vector<float> rows;
  int64_t sizes[2] = {int64_t(inputs[0].size()) / events,
                      int64_t(inputs[1].size()) / events};
  for (int64_t e = 0; e < events; ++e)
    for (int i = 0; i < 2; ++i)
      rows.insert(rows.end(), inputs[i].begin() + e * sizes[i],
                  inputs[i].begin() + (e + 1) * sizes[i]);

  auto tensorOf = [&](int i, int64_t e, int64_t n) {
    Tensor t;
    t.shape = withBatch(ops[i]->shape, n);
    if (ops[i]->constant)
      t.data.assign(constants[i].begin(), constants[i].end());
    else
      t.data.assign(inputs[i].begin() + e * sizes[i],
                    inputs[i].begin() + (e + n) * sizes[i]);
    return t;
  };
  std::vector<double> want;
  if (batched) {
    // The whole batch at once, as numpy would see the tensors.
    want = matmulRef(tensorOf(0, 0, events), tensorOf(1, 0, events)).data;
  } else {
    for (int64_t e = 0; e < events; ++e) {
      auto c = matmulRef(tensorOf(0, e, 1), tensorOf(1, e, 1));
      want.insert(want.end(), c.data.begin(), c.data.end());
    }
  }
  checkClose(run(*emu, rows, events), want);
}

} // namespace

TEST_CASE("matmul of a batched operand with a constant", "[emulator]") {
  SECTION("rank 3 by matrix") {
    checkMatMul({{kBatch, 2, 3}, false}, {{3, 4}, true}, {kBatch, 2, 4}, 5, 1);
  }
  SECTION("rows are the batch") {
    checkMatMul({{kBatch, 3}, false}, {{3, 4}, true}, {kBatch, 4}, 5, 2);
  }
  SECTION("matrix by vector") {
    checkMatMul({{kBatch, 3}, false}, {{3}, true}, {kBatch}, 5, 3);
  }
  SECTION("batched by vector") {
    checkMatMul({{kBatch, 2, 3}, false}, {{3}, true}, {kBatch, 2}, 4, 4);
  }
  SECTION("constant on the left") {
    checkMatMul({{2, 3}, true}, {{kBatch, 3, 4}, false}, {kBatch, 2, 4}, 4, 5);
  }
  SECTION("vector on the left") {
    checkMatMul({{3}, true}, {{kBatch, 3, 4}, false}, {kBatch, 4}, 4, 6);
  }
  SECTION("broadcast inside the event") {
    checkMatMul({{kBatch, 1, 2, 3}, false}, {{4, 3, 2}, true},
                {kBatch, 4, 2, 2}, 3, 7);
  }
  SECTION("constant with a leading 1 over the batch") {
    checkMatMul({{kBatch, 2, 2, 3}, false}, {{1, 2, 3, 2}, true},
                {kBatch, 2, 2, 2}, 3, 8);
  }
}

TEST_CASE("matmul of two batched inputs", "[emulator]") {
  SECTION("same rank") {
    checkMatMul({{kBatch, 2, 3}, false}, {{kBatch, 3, 2}, false},
                {kBatch, 2, 2}, 6, 9);
  }
  SECTION("broadcast inside the event") {
    checkMatMul({{kBatch, 3, 1, 4}, false}, {{kBatch, 1, 4, 2}, false},
                {kBatch, 3, 1, 2}, 3, 10);
  }
}

TEST_CASE("matmul in a model without batch", "[emulator]") {
  SECTION("two matrices") {
    checkMatMul({{2, 3}, false}, {{3, 2}, false}, {2, 2}, 3, 11);
  }
  SECTION("vector by matrix") {
    checkMatMul({{3}, false}, {{3, 2}, false}, {2}, 3, 12);
  }
  SECTION("vector by vector") {
    checkMatMul({{4}, false}, {{4}, true}, {}, 3, 13);
  }
  SECTION("broadcast batch dimensions") {
    checkMatMul({{2, 1, 2, 3}, false}, {{3, 3, 2}, true}, {2, 3, 2, 2}, 2, 14);
  }
}
