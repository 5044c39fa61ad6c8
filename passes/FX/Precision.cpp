//===- Precision.cpp - the --precision spelling of a type -----------------===//
#include "passes/FX/Precision.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace ariadne;
using namespace ariadne::fx;

FailureOr<FixedType> ariadne::fx::parsePrecision(StringRef text,
                                                 MLIRContext *context,
                                                 std::string &error) {
  auto fail = [&](std::string message) -> FailureOr<FixedType> {
    error = std::move(message);
    return failure();
  };
  StringRef spelling = text.trim();
  StringRef rest = spelling;
  bool isSigned = true;
  if (rest.consume_front("ufixed"))
    isSigned = false;
  else if (!rest.consume_front("fixed"))
    rest = StringRef(); // fails the bracket test below
  const std::string form =
      (isSigned ? "fixed" : "ufixed") + std::string("<W,I[,Q[,O]]>");
  rest = rest.trim();
  if (!rest.consume_front("<") || !rest.consume_back(">"))
    return fail(llvm::formatv("expected 'fixed<W,I[,Q[,O]]>' or "
                              "'ufixed<W,I[,Q[,O]]>', got '{0}'",
                              spelling));
  SmallVector<StringRef, 4> fields;
  rest.split(fields, ',');
  for (StringRef &field : fields)
    field = field.trim();
  if (fields.size() < 2 || fields.size() > 4)
    return fail(llvm::formatv("expected '{0}' (2 to 4 parameters), got '{1}'",
                              form, spelling));

  int64_t width = 0, intWidth = 0;
  if (fields[0].getAsInteger(10, width))
    return fail(llvm::formatv("expected the width W as an integer in '{0}', "
                              "got '{1}' in '{2}'",
                              form, fields[0], spelling));
  if (fields[1].getAsInteger(10, intWidth))
    return fail(llvm::formatv("expected the integer bits I as an integer in "
                              "'{0}', got '{1}' in '{2}'",
                              form, fields[1], spelling));
  if (std::optional<std::string> message = checkFixedWidths(width, intWidth))
    return fail(*message);

  QuantMode quant = TRN;
  OverflowMode overflow = WRAP;
  std::string modeError;
  if (fields.size() > 2) {
    FailureOr<QuantMode> parsedQuant = parseQuantKeyword(fields[2], modeError);
    if (failed(parsedQuant))
      return fail(modeError);
    quant = *parsedQuant;
  }
  if (fields.size() > 3) {
    FailureOr<OverflowMode> parsedOverflow =
        parseOverflowKeyword(fields[3], modeError);
    if (failed(parsedOverflow))
      return fail(modeError);
    overflow = *parsedOverflow;
  }
  context->getOrLoadDialect<FXDialect>();
  return FixedType::get(context, static_cast<unsigned>(width), intWidth,
                        isSigned, quant, overflow);
}

std::string ariadne::fx::formatPrecision(FixedType type) {
  std::string text =
      llvm::formatv("{0}<{1},{2}", type.isSigned() ? "fixed" : "ufixed",
                    type.getWidth(), type.getIntWidth());
  if (type.getQuant() != TRN || type.getOverflow() != WRAP)
    text += ("," + stringifyQuantMode(type.getQuant())).str();
  if (type.getOverflow() != WRAP)
    text += ("," + stringifyOverflowMode(type.getOverflow())).str();
  return text + ">";
}
