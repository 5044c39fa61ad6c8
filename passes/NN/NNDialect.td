//===- NNDialect.td - the nn dialect -----------------------*- tablegen -*-===//
//
// The nn dialect: the neural-network operations of a trigger model, on
// ranked tensors whose leading dimension may be the dynamic event batch.
//
//===----------------------------------------------------------------------===//

#ifndef ARIADNE_NN_DIALECT
#define ARIADNE_NN_DIALECT

include "mlir/IR/OpBase.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let summary = "Neural-network layers of trigger models";
  let description = [{
    Operations imported from ONNX, at the granularity a trigger kernel is
    built from: dense layers with their weights as attributes, element-wise
    arithmetic with numpy broadcasting, activations, softmax and the data
    movement ops (reshape, transpose, concat, slice). Tensors are ranked; only
    the leading dimension may be dynamic, and then it is the event batch.
  }];
  let cppNamespace = "::ariadne::nn";
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

class NN_Op<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic, traits>;

#endif // ARIADNE_NN_DIALECT
