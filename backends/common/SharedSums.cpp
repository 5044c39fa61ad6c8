//===- SharedSums.cpp - shift-and-add with shared subexpressions ----------===//
#include "backends/common/SharedSums.h"

#include <algorithm>
#include <queue>
#include <unordered_map>

namespace ariadne {

namespace {

using Int128 = __int128;

/// A pair of terms, as the shared sum it would make: sources a <= b (by
/// source, then shift), b's shift less a's, and whether their signs differ.
constexpr int kSourceBits = 22, kMaxShiftDifference = 127;

bool pairKey(const ShiftedTerm &x, const ShiftedTerm &y, uint64_t &key) {
  const ShiftedTerm *first = &x, *second = &y;
  if (std::make_pair(y.source, y.shift) < std::make_pair(x.source, x.shift))
    std::swap(first, second);
  int difference = second->shift - first->shift;
  if (difference > kMaxShiftDifference || difference < -kMaxShiftDifference ||
      first->source >= (1 << kSourceBits) ||
      second->source >= (1 << kSourceBits))
    return false;
  key = uint64_t(first->source) << (kSourceBits + 9) |
        uint64_t(second->source) << 9 |
        uint64_t(difference + kMaxShiftDifference) << 1 |
        uint64_t(first->negative != second->negative);
  return true;
}

SharedSum sumOf(uint64_t key) {
  SharedSum s;
  s.a = int(key >> (kSourceBits + 9));
  s.b = int((key >> 9) & ((uint64_t(1) << kSourceBits) - 1));
  int difference = int((key >> 1) & 0xff) - kMaxShiftDifference;
  s.subtract = key & 1;
  s.shiftA = difference < 0 ? -difference : 0;
  s.shiftB = difference > 0 ? difference : 0;
  return s;
}

int signedWidth(Int128 low, Int128 high) {
  int bits = 1;
  while (low < -(Int128(1) << (bits - 1)) ||
         high > (Int128(1) << (bits - 1)) - 1)
    ++bits;
  return bits;
}

class Sharer {
public:
  Sharer(std::vector<std::vector<ShiftedTerm>> outputs,
         const SharingLimits &limits)
      : limits(limits), inputs(int(limits.ranges.size())) {
    result.outputs = std::move(outputs);
    ranges = limits.ranges;
    depths.assign(ranges.size(), 0);
    for (const auto &terms : result.outputs)
      for (size_t i = 0; i < terms.size(); ++i)
        for (size_t j = i + 1; j < terms.size(); ++j)
          count(terms[i], terms[j], 1);
  }

  Sharing run() {
    while (!best.empty()) {
      auto [seen, key] = best.top();
      best.pop();
      auto it = counts.find(key);
      int now = it == counts.end() ? 0 : it->second;
      if (now < 2)
        continue;
      if (now != seen) {
        best.push({now, key});
        continue;
      }
      SharedSum sum = sumOf(key);
      if (!allowed(sum)) {
        counts.erase(it);
        continue;
      }
      share(key, sum);
    }
    return std::move(result);
  }

private:
  void count(const ShiftedTerm &x, const ShiftedTerm &y, int delta) {
    uint64_t key;
    if (!pairKey(x, y, key))
      return;
    int &c = counts[key];
    c += delta;
    if (delta > 0 && c >= 2)
      best.push({c, key});
  }

  bool allowed(const SharedSum &s) {
    if (std::max(depths[size_t(s.a)], depths[size_t(s.b)]) + 1 >
        limits.maxDepth)
      return false;
    auto [al, ah] = ranges[size_t(s.a)];
    auto [bl, bh] = ranges[size_t(s.b)];
    const Int128 limit = Int128(1) << 100;
    for (Int128 v : {al, ah, bl, bh})
      if (v > (limit >> s.shiftA >> s.shiftB) ||
          v < -(limit >> s.shiftA >> s.shiftB))
        return false;
    Int128 low =
        (al << s.shiftA) + (s.subtract ? -(bh << s.shiftB) : (bl << s.shiftB));
    Int128 high =
        (ah << s.shiftA) + (s.subtract ? -(bl << s.shiftB) : (bh << s.shiftB));
    return signedWidth(low, high) <= limits.maxWidth;
  }

  /// Builds shared sum `sum` and puts it in place of its pair in every
  /// output that holds it.
  void share(uint64_t key, const SharedSum &sum) {
    int source = inputs + int(result.shared.size());
    result.shared.push_back(sum);
    auto [al, ah] = ranges[size_t(sum.a)];
    auto [bl, bh] = ranges[size_t(sum.b)];
    ranges.push_back(
        {(al << sum.shiftA) +
             (sum.subtract ? -(bh << sum.shiftB) : (bl << sum.shiftB)),
         (ah << sum.shiftA) +
             (sum.subtract ? -(bl << sum.shiftB) : (bh << sum.shiftB))});
    depths.push_back(std::max(depths[size_t(sum.a)], depths[size_t(sum.b)]) +
                     1);
    int difference = sum.shiftB - sum.shiftA;
    for (auto &terms : result.outputs) {
      std::vector<char> used(terms.size(), 0);
      std::vector<ShiftedTerm> added;
      for (size_t i = 0; i < terms.size(); ++i) {
        const ShiftedTerm &x = terms[i];
        if (used[i] || x.source != sum.a)
          continue;
        for (size_t j = 0; j < terms.size(); ++j) {
          const ShiftedTerm &y = terms[j];
          uint64_t k;
          if (j == i || used[j] || y.source != sum.b ||
              y.shift != x.shift + difference ||
              (x.negative != y.negative) != sum.subtract || !pairKey(x, y, k) ||
              k != key)
            continue;
          used[i] = used[j] = 1;
          added.push_back({source, std::min(x.shift, y.shift), x.negative});
          break;
        }
      }
      if (added.empty())
        continue;
      // Pairs with a removed term go, pairs with an added one come.
      std::vector<ShiftedTerm> kept;
      for (size_t i = 0; i < terms.size(); ++i) {
        if (!used[i]) {
          kept.push_back(terms[i]);
          continue;
        }
        for (size_t j = 0; j < terms.size(); ++j)
          if (j != i && (!used[j] || j > i))
            count(terms[i], terms[j], -1);
      }
      for (size_t i = 0; i < added.size(); ++i) {
        for (const ShiftedTerm &x : kept)
          count(added[i], x, 1);
        for (size_t j = 0; j < i; ++j)
          count(added[i], added[j], 1);
      }
      kept.insert(kept.end(), added.begin(), added.end());
      terms = std::move(kept);
    }
  }

  const SharingLimits &limits;
  int inputs;
  Sharing result;
  std::vector<std::pair<Int128, Int128>> ranges;
  std::vector<int> depths;
  std::unordered_map<uint64_t, int> counts;
  std::priority_queue<std::pair<int, uint64_t>> best;
};

} // namespace

std::vector<std::pair<int, bool>> csdDigits(__int128 value) {
  std::vector<std::pair<int, bool>> digits;
  for (int shift = 0; value != 0; ++shift, value /= 2) {
    if (value % 2 == 0)
      continue;
    // value mod 4 decides the digit: 1 -> +1, 3 -> -1 (borrow upwards).
    __int128 mod4 = ((value % 4) + 4) % 4;
    bool negative = mod4 == 3;
    digits.push_back({shift, negative});
    value -= negative ? -1 : 1;
  }
  return digits;
}

Sharing shareSubexpressions(std::vector<std::vector<ShiftedTerm>> outputs,
                            const SharingLimits &limits) {
  return Sharer(std::move(outputs), limits).run();
}

int64_t addersOf(const std::vector<std::vector<ShiftedTerm>> &outputs,
                 size_t shared) {
  int64_t adders = int64_t(shared);
  for (const auto &terms : outputs)
    adders += terms.empty() ? 0 : int64_t(terms.size()) - 1;
  return adders;
}

int64_t deepestSharedSum(const Sharing &sharing, size_t inputs) {
  std::vector<int64_t> depth(inputs, 0);
  int64_t deepest = 0;
  for (const SharedSum &sum : sharing.shared) {
    depth.push_back(1 + std::max(depth[size_t(sum.a)], depth[size_t(sum.b)]));
    deepest = std::max(deepest, depth.back());
  }
  return deepest;
}

std::pair<__int128, __int128> rawRange(int width, bool isSigned) {
  if (isSigned)
    return {-(__int128(1) << (width - 1)), (__int128(1) << (width - 1)) - 1};
  return {0, (__int128(1) << width) - 1};
}

} // namespace ariadne
