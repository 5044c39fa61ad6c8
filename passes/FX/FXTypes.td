//===- FXTypes.td - fx dialect types -----------------------*- tablegen -*-===//
//
// The fixed-point type. Its modes are the C++ enums of the runtime
// (runtime/ariadne/fixed_bits.h), so that the compiler, the emulator and the
// generated code share one definition of them.
//
//===----------------------------------------------------------------------===//

#ifndef ARIADNE_FX_TYPES
#define ARIADNE_FX_TYPES

include "passes/FX/FXDialect.td"
include "mlir/IR/AttrTypeBase.td"

class FX_Type<string name, list<Trait> traits = []>
    : TypeDef<FX_Dialect, name, traits>;

def FX_FixedType : FX_Type<"Fixed"> {
  let summary = "fixed-point number, as ap_fixed<W, I, Q, O> or ap_ufixed";
  let description = [{
    A value is `m * 2^-(W-I)`, `m` a W-bit two's complement (`fixed`) or
    unsigned (`ufixed`) integer. I may be negative (every value is a
    fraction smaller than 2^I) or larger than W (the lowest bits of the
    value are always zero). Q rounds and O handles overflow when a value is
    cast into the type; the defaults TRN and WRAP are not printed, and O
    follows Q as in ap_fixed's template arguments:

    ```mlir
    !fx.fixed<16, 6>
    !fx.fixed<12, 4, RND, SAT>
    !fx.fixed<8, 3, TRN, SAT_SYM>
    !fx.ufixed<8, 0>
    !fx.ufixed<8, 2, RND_CONV, SAT_SYM>
    ```
  }];
  // No mnemonic: the dialect reads both keywords itself (FXDialect.td).
  let typeName = "fx.fixed";
  let parameters = (ins
    "unsigned":$width,
    "int64_t":$intWidth,
    "bool":$isSigned,
    AttrOrTypeParameter<"::ariadne::QuantMode", "quantization mode">:$quant,
    AttrOrTypeParameter<"::ariadne::OverflowMode", "overflow mode">:$overflow);
  let skipDefaultBuilders = 1;
  let builders = [
    TypeBuilder<(ins "unsigned":$width, "int64_t":$intWidth,
                     CArg<"bool", "true">:$isSigned,
                     CArg<"::ariadne::QuantMode", "::ariadne::TRN">:$quant,
                     CArg<"::ariadne::OverflowMode", "::ariadne::WRAP">:$overflow), [{
      return $_get($_ctxt, width, intWidth, isSigned, quant, overflow);
    }]>,
    TypeBuilder<(ins "const ::ariadne::FixedSpec &":$spec), [{
      return $_get($_ctxt, static_cast<unsigned>(spec.width),
                   static_cast<int64_t>(spec.intWidth), spec.isSigned,
                   spec.quant, spec.overflow);
    }]>
  ];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool isSigned() const { return getIsSigned(); }
    /// W - I: the number of bits after the binary point (negative when I > W).
    int64_t getFracWidth() const { return int64_t(getWidth()) - getIntWidth(); }
    /// The runtime's description of the type, for the arithmetic of
    /// fixed_bits.h.
    ::ariadne::FixedSpec getSpec() const;
    /// The smallest and largest values of the type, rounded to the nearest
    /// double (infinite or zero for types beyond the range of double).
    double getMinValue() const;
    double getMaxValue() const;
    /// The type in generated C++ (`ariadne::fixed<12, 4, ariadne::RND,
    /// ariadne::SAT>`) and in Vitis HLS (`ap_fixed<12, 4, AP_RND, AP_SAT>`).
    std::string getCppTypeName() const;
    std::string getHlsTypeName() const;

    /// Parses the part after the `fixed` or `ufixed` keyword: `<W, I[, Q[, O]]>`.
    static ::mlir::Type parse(::mlir::AsmParser &parser, bool isSigned);
    /// Prints `fixed<...>` or `ufixed<...>` (the dialect prefix excluded).
    void print(::mlir::AsmPrinter &printer) const;
  }];
}

#endif // ARIADNE_FX_TYPES
