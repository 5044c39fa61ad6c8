//===- FXDialect.td - the fx dialect -----------------------*- tablegen -*-===//
//
// The fx dialect: the fixed-point types and operations of a quantized
// trigger model.
//
//===----------------------------------------------------------------------===//

#ifndef ARIADNE_FX_DIALECT
#define ARIADNE_FX_DIALECT

include "mlir/IR/DialectBase.td"

def FX_Dialect : Dialect {
  let name = "fx";
  let summary = "Fixed-point types with Vitis HLS ap_fixed semantics";
  let description = [{
    The types a model is quantized to. `!fx.fixed<W, I, Q, O>` and
    `!fx.ufixed<W, I, Q, O>` are ap_fixed and ap_ufixed: W bits in total, I
    of them integer bits (the sign included for `fixed`), quantization mode
    Q and overflow mode O. Every component that computes with them (the
    emulator, the runtime, the HLS code) follows the same rules, those of
    runtime/ariadne/fixed_bits.h. The operations (FXOps.td) state their
    semantics on the raw integers of these types.
  }];
  let cppNamespace = "::ariadne::fx";
  // Two keywords, `fixed` and `ufixed`, name one type class (as ap_fixed and
  // ap_ufixed are one family), so the dialect dispatches by hand.
  let extraClassDeclaration = [{
    /// Defined next to the types, where their storage classes are complete.
    void registerTypes();

    ::mlir::Type parseType(::mlir::DialectAsmParser &parser) const override;
    void printType(::mlir::Type type,
                   ::mlir::DialectAsmPrinter &printer) const override;
  }];
}

#endif // ARIADNE_FX_DIALECT
