//===- FXTypes.cpp - fx dialect types -------------------------------------===//
#include "passes/FX/FXTypes.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <iterator>

using namespace mlir;
using namespace ariadne;
using namespace ariadne::fx;

#define GET_TYPEDEF_CLASSES
#include "passes/FX/FXTypes.cpp.inc"

void FXDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "passes/FX/FXTypes.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Mode keywords
//===----------------------------------------------------------------------===//

// Indexed by the runtime's enum values, which count up from 0.
static constexpr llvm::StringLiteral kQuantKeywords[] = {
    "TRN", "TRN_ZERO", "RND", "RND_ZERO", "RND_MIN_INF", "RND_INF", "RND_CONV"};
static constexpr llvm::StringLiteral kOverflowKeywords[] = {
    "WRAP", "SAT", "SAT_ZERO", "SAT_SYM"};
static_assert(RND_CONV + 1 == std::size(kQuantKeywords),
              "kQuantKeywords must follow ariadne::QuantMode");
static_assert(SAT_SYM + 1 == std::size(kOverflowKeywords),
              "kOverflowKeywords must follow ariadne::OverflowMode");

static bool isQuantMode(QuantMode mode) {
  return mode < std::size(kQuantKeywords);
}
static bool isOverflowMode(OverflowMode mode) {
  return mode < std::size(kOverflowKeywords);
}

StringRef ariadne::fx::stringifyQuantMode(QuantMode mode) {
  return isQuantMode(mode) ? StringRef(kQuantKeywords[mode]) : StringRef();
}

StringRef ariadne::fx::stringifyOverflowMode(OverflowMode mode) {
  return isOverflowMode(mode) ? StringRef(kOverflowKeywords[mode])
                              : StringRef();
}

std::optional<QuantMode> ariadne::fx::symbolizeQuantMode(StringRef keyword) {
  for (auto [index, known] : llvm::enumerate(kQuantKeywords))
    if (keyword == known)
      return static_cast<QuantMode>(index);
  return std::nullopt;
}

std::optional<OverflowMode>
ariadne::fx::symbolizeOverflowMode(StringRef keyword) {
  for (auto [index, known] : llvm::enumerate(kOverflowKeywords))
    if (keyword == known)
      return static_cast<OverflowMode>(index);
  return std::nullopt;
}

template <size_t N>
static std::string joinKeywords(const llvm::StringLiteral (&keywords)[N]) {
  return llvm::join(llvm::ArrayRef<llvm::StringLiteral>(keywords), ", ");
}

FailureOr<QuantMode> ariadne::fx::parseQuantKeyword(StringRef keyword,
                                                    std::string &error) {
  if (std::optional<QuantMode> mode = symbolizeQuantMode(keyword))
    return *mode;
  if (symbolizeOverflowMode(keyword))
    error = llvm::formatv("'{0}' is an overflow mode, but the quantization "
                          "mode comes first: write TRN, {0} to keep the "
                          "default quantization",
                          keyword);
  else
    error = llvm::formatv("unknown quantization mode '{0}' ({1})", keyword,
                          joinKeywords(kQuantKeywords));
  return failure();
}

FailureOr<OverflowMode> ariadne::fx::parseOverflowKeyword(StringRef keyword,
                                                          std::string &error) {
  if (std::optional<OverflowMode> mode = symbolizeOverflowMode(keyword))
    return *mode;
  if (symbolizeQuantMode(keyword))
    error = llvm::formatv("'{0}' is a quantization mode, but the overflow "
                          "mode comes second ({1})",
                          keyword, joinKeywords(kOverflowKeywords));
  else
    error = llvm::formatv("unknown overflow mode '{0}' ({1})", keyword,
                          joinKeywords(kOverflowKeywords));
  return failure();
}

std::optional<std::string> ariadne::fx::checkFixedWidths(int64_t width,
                                                         int64_t intWidth) {
  if (width < 1 || width > 64)
    return llvm::formatv("fixed-point width W (all bits, sign included) must "
                         "be 1 to 64, got {0}",
                         width)
        .str();
  // fixed_bits.h bounds I so that no bit position it computes overflows.
  const int64_t maxIntWidth = kMaxFixedIntWidth - 1;
  if (intWidth < -maxIntWidth || intWidth > maxIntWidth)
    return llvm::formatv("fixed-point integer bits I must be between {0} and "
                         "{1}, got {2}",
                         -maxIntWidth, maxIntWidth, intWidth)
        .str();
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// FixedType
//===----------------------------------------------------------------------===//

LogicalResult FixedType::verify(function_ref<InFlightDiagnostic()> emitError,
                                unsigned width, int64_t intWidth,
                                bool /*isSigned*/, QuantMode quant,
                                OverflowMode overflow) {
  if (std::optional<std::string> message = checkFixedWidths(width, intWidth))
    return emitError() << *message;
  // Only C++ callers can get here, with a cast integer.
  if (!isQuantMode(quant))
    return emitError() << "quantization mode " << int(quant)
                       << " is not one of ariadne::QuantMode";
  if (!isOverflowMode(overflow))
    return emitError() << "overflow mode " << int(overflow)
                       << " is not one of ariadne::OverflowMode";
  return success();
}

FixedSpec FixedType::getSpec() const {
  return FixedSpec{static_cast<int>(getWidth()),
                   static_cast<int>(getIntWidth()), isSigned(), getQuant(),
                   getOverflow()};
}

double FixedType::getMinValue() const {
  FixedSpec spec = getSpec();
  return bitsToDouble(ariadne::detail::minBits(spec.width, spec.isSigned),
                      spec);
}

double FixedType::getMaxValue() const {
  FixedSpec spec = getSpec();
  return bitsToDouble(ariadne::detail::maxBits(spec.width, spec.isSigned),
                      spec);
}

/// Writes the modes that differ from the defaults, each after `prefix`; the
/// quantization mode stays when only the overflow mode differs because the
/// template arguments (and the type's syntax) are positional.
static void printModes(llvm::raw_ostream &os, FixedType type,
                       StringRef prefix) {
  bool defaultOverflow = type.getOverflow() == WRAP;
  if (type.getQuant() != TRN || !defaultOverflow)
    os << ", " << prefix << stringifyQuantMode(type.getQuant());
  if (!defaultOverflow)
    os << ", " << prefix << stringifyOverflowMode(type.getOverflow());
}

std::string FixedType::getCppTypeName() const {
  std::string name;
  llvm::raw_string_ostream os(name);
  os << (isSigned() ? "ariadne::fixed<" : "ariadne::ufixed<") << getWidth()
     << ", " << getIntWidth();
  printModes(os, *this, "ariadne::");
  os << '>';
  return name;
}

std::string FixedType::getHlsTypeName() const {
  std::string name;
  llvm::raw_string_ostream os(name);
  os << (isSigned() ? "ap_fixed<" : "ap_ufixed<") << getWidth() << ", "
     << getIntWidth();
  printModes(os, *this, "AP_");
  os << '>';
  return name;
}

Type FixedType::parse(AsmParser &parser, bool isSigned) {
  SMLoc loc = parser.getCurrentLocation();
  int64_t width = 0, intWidth = 0;
  if (parser.parseLess() || parser.parseInteger(width) || parser.parseComma() ||
      parser.parseInteger(intWidth))
    return {};
  QuantMode quant = TRN;
  OverflowMode overflow = WRAP;
  std::string error;
  if (succeeded(parser.parseOptionalComma())) {
    SMLoc keywordLoc = parser.getCurrentLocation();
    StringRef keyword;
    if (parser.parseKeyword(&keyword))
      return {};
    FailureOr<QuantMode> parsedQuant = parseQuantKeyword(keyword, error);
    if (failed(parsedQuant)) {
      parser.emitError(keywordLoc, error);
      return {};
    }
    quant = *parsedQuant;
    if (succeeded(parser.parseOptionalComma())) {
      keywordLoc = parser.getCurrentLocation();
      if (parser.parseKeyword(&keyword))
        return {};
      FailureOr<OverflowMode> parsedOverflow =
          parseOverflowKeyword(keyword, error);
      if (failed(parsedOverflow)) {
        parser.emitError(keywordLoc, error);
        return {};
      }
      overflow = *parsedOverflow;
    }
  }
  if (parser.parseGreater())
    return {};
  // Checked before the width becomes unsigned, so that the message shows
  // the number written.
  if (std::optional<std::string> message = checkFixedWidths(width, intWidth)) {
    parser.emitError(loc, *message);
    return {};
  }
  return FixedType::get(parser.getContext(), static_cast<unsigned>(width),
                        intWidth, isSigned, quant, overflow);
}

void FixedType::print(AsmPrinter &printer) const {
  llvm::raw_ostream &os = printer.getStream();
  os << (isSigned() ? "fixed<" : "ufixed<") << getWidth() << ", "
     << getIntWidth();
  printModes(os, *this, "");
  os << '>';
}
