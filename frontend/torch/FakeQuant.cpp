//===- FakeQuant.cpp - fixed-point rounding for training ------------------===//
#include "frontend/torch/FakeQuant.h"

#include "ariadne/fixed_bits.h"

#include <cctype>
#include <cstdlib>
#include <vector>

using namespace ariadne;
using namespace ariadne::train;

namespace {

constexpr const char *kQuantNames[] = {
    "TRN", "TRN_ZERO", "RND", "RND_ZERO", "RND_MIN_INF", "RND_INF", "RND_CONV"};
constexpr const char *kOverflowNames[] = {"WRAP", "SAT", "SAT_ZERO", "SAT_SYM"};

/// Parses a whole decimal integer.
bool parseInt(const std::string &text, int &value) {
  if (text.empty())
    return false;
  char *end = nullptr;
  long parsed = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || parsed < -100000 || parsed > 100000)
    return false;
  value = static_cast<int>(parsed);
  return true;
}

FixedSpec specOf(const FixedFormat &format) {
  return FixedSpec{format.width, format.intWidth, format.isSigned,
                   static_cast<QuantMode>(format.quant),
                   static_cast<OverflowMode>(format.overflow)};
}

} // namespace

bool ariadne::train::parseFixedFormat(const std::string &text,
                                      FixedFormat &format, std::string &error) {
  std::string compact;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)))
      compact += c;
  FixedFormat parsed;
  parsed.text = text;
  std::string body;
  if (compact.rfind("fixed<", 0) == 0) {
    body = compact.substr(6);
  } else if (compact.rfind("ufixed<", 0) == 0) {
    parsed.isSigned = false;
    body = compact.substr(7);
  }
  if (body.empty() || body.back() != '>') {
    error = "expected a fixed-point type like fixed<16,6> or "
            "fixed<16,6,RND,SAT>, got '" +
            text + "'";
    return false;
  }
  body.pop_back();
  std::vector<std::string> parts(1);
  for (char c : body) {
    if (c == ',')
      parts.emplace_back();
    else
      parts.back() += c;
  }
  if (parts.size() < 2 || parts.size() > 4 ||
      !parseInt(parts[0], parsed.width) ||
      !parseInt(parts[1], parsed.intWidth)) {
    error = "expected fixed<W,I[,Q[,O]]>, got '" + text + "'";
    return false;
  }
  if (parsed.width < 1 || parsed.width > 64) {
    error = "the width of '" + text + "' must be between 1 and 64";
    return false;
  }
  if (parsed.intWidth <= -kMaxFixedIntWidth ||
      parsed.intWidth >= kMaxFixedIntWidth) {
    error = "the integer width of '" + text + "' is out of range";
    return false;
  }
  if (parts.size() >= 3) {
    int found = -1;
    for (int i = 0; i < 7; ++i)
      if (parts[2] == kQuantNames[i])
        found = i;
    if (found < 0) {
      error = "unknown quantization mode '" + parts[2] + "' in '" + text +
              "' (TRN, TRN_ZERO, RND, RND_ZERO, RND_MIN_INF, RND_INF, "
              "RND_CONV)";
      return false;
    }
    parsed.quant = found;
  }
  if (parts.size() == 4) {
    int found = -1;
    for (int i = 0; i < 4; ++i)
      if (parts[3] == kOverflowNames[i])
        found = i;
    if (found < 0) {
      error = "unknown overflow mode '" + parts[3] + "' in '" + text +
              "' (WRAP, SAT, SAT_ZERO, SAT_SYM)";
      return false;
    }
    parsed.overflow = found;
  }
  format = parsed;
  return true;
}

double ariadne::train::quantizeValue(double value, const FixedFormat &format) {
  FixedSpec spec = specOf(format);
  return bitsToDouble(bitsFromDouble(value, spec), spec);
}

void ariadne::train::quantizeBuffer(const float *in, float *out,
                                    std::size_t count,
                                    const FixedFormat &format) {
  FixedSpec spec = specOf(format);
  for (std::size_t i = 0; i < count; ++i)
    out[i] = static_cast<float>(
        bitsToDouble(bitsFromDouble(static_cast<double>(in[i]), spec), spec));
}
