//===- OpImporters.cpp - the ONNX op import table -------------------------===//
//
// One table maps each ONNX op_type to its importer. Regular ops share
// generic builders (element-wise arithmetic, activations, ImportSupport.h);
// only irregular ops have a function of their own (ImportLayers.cpp,
// ImportDataMovement.cpp, ImportConstants.cpp).
//
// Shapes: every result type is computed here from the operand types, with
// ShapedType::kDynamic standing for the event batch. An op that would move
// the batch away from the leading dimension or mix events (softmax, concat,
// transpose or slice along it) is an error.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/ImportSupport.h"

using namespace ariadne;
using namespace ariadne::frontend;
using namespace ariadne::frontend::imports;

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

const llvm::StringMap<OpImporter> &frontend::getOpImporters() {
  // minVersion is the oldest schema version with the semantics implemented:
  // version 6 of the arithmetic ops, Gemm and BatchNormalization differ from
  // 7 only in attributes their importers check, and the versions before 6 of
  // the activations carry the legacy consumed_inputs attribute.
  static const llvm::StringMap<OpImporter> table = {
      {"Add", {6, importBinary<nn::AddOp, IntOp::Add>}},
      {"Sub", {6, importBinary<nn::SubOp, IntOp::Sub>}},
      {"Mul", {6, importBinary<nn::MulOp, IntOp::Mul>}},
      {"Div", {6, importBinary<nn::DivOp, IntOp::Div>}},
      {"Neg", {6, importNeg}},

      {"Relu", {6, activation(ActivationKind::relu)}},
      {"LeakyRelu",
       {6, activation(ActivationKind::leaky_relu, {"alpha", 0.01f})}},
      {"Tanh", {6, activation(ActivationKind::tanh)}},
      {"Abs", {6, activation(ActivationKind::abs)}},
      {"Sigmoid", {6, activation(ActivationKind::sigmoid)}},
      {"Softsign", {1, activation(ActivationKind::softsign)}},
      {"Softplus", {1, activation(ActivationKind::softplus)}},
      {"Erf", {9, activation(ActivationKind::erf)}},
      {"HardSigmoid",
       {6, activation(ActivationKind::hard_sigmoid, {"alpha", 0.2f},
                      {"beta", 0.5f})}},
      {"Elu", {6, activation(ActivationKind::elu, {"alpha", 1.0f})}},
      {"Selu",
       {6,
        activation(ActivationKind::selu, {"alpha", 1.67326319217681884765625f},
                   {"gamma", 1.05070102214813232421875f})}},
      {"HardSwish", {14, importHardSwish}},
      {"PRelu", {7, importPRelu}},
      {"Clip", {6, importClip}},
      {"Softmax", {1, importSoftmax}},

      {"Gemm", {6, importGemm}},
      {"MatMul", {1, importMatMul}},
      {"BatchNormalization", {6, importBatchNorm}},
      {"Conv", {1, importConv}},
      {"MaxPool", {1, importMaxPool}},
      {"AveragePool", {1, importAveragePool}},
      {"Pad", {1, importPad}},
      {"ReduceMax",
       {1, [](NodeImporter &n) { return importReduce(n, Reduction::Max); }}},
      {"ReduceSum",
       {1, [](NodeImporter &n) { return importReduce(n, Reduction::Sum); }}},
      {"ReduceMean",
       {1, [](NodeImporter &n) { return importReduce(n, Reduction::Mean); }}},
      {"LayerNormalization", {17, importLayerNorm}},
      {"Split", {2, importSplit}},
      {"GlobalMaxPool",
       {1, [](NodeImporter &n) { return importGlobalPool(n, true); }}},
      {"GlobalAveragePool",
       {1, [](NodeImporter &n) { return importGlobalPool(n, false); }}},

      {"GRU", {7, importGru}},
      {"LSTM", {7, importLstm}},
      {"RNN", {7, importRnn}},

      {"Flatten", {1, importFlatten}},
      {"Reshape", {5, importReshape}},
      {"Squeeze", {1, importSqueeze}},
      {"Unsqueeze", {1, importUnsqueeze}},
      {"Transpose", {1, importTranspose}},
      {"Concat", {1, importConcat}},
      {"Slice", {1, importSlice}},
      {"Identity", {1, importIdentity}},
      {"Dropout", {7, importDropout}},

      {"Constant", {1, importConstant}},
      {"Shape", {1, importShape}},
      {"Gather", {1, importGather}},
      {"ConstantOfShape", {9, importConstantOfShape}},
      {"Cast", {6, importCast}},
      {"Where", {9, importWhere}},
      {"Expand", {8, importExpand}},
      {"Tile", {6, importTile}},

      {"Equal",
       {7, [](NodeImporter &n) { return importCompare(n, nn::Predicate::eq); }}},
      {"Greater",
       {7, [](NodeImporter &n) { return importCompare(n, nn::Predicate::gt); }}},
      {"Less",
       {7, [](NodeImporter &n) { return importCompare(n, nn::Predicate::lt); }}},
      {"GreaterOrEqual",
       {12, [](NodeImporter &n) { return importCompare(n, nn::Predicate::ge); }}},
      {"LessOrEqual",
       {12, [](NodeImporter &n) { return importCompare(n, nn::Predicate::le); }}},
      {"Not", {1, importNot}},
      {"And", {7, [](NodeImporter &n) { return importLogic(n, Logic::And); }}},
      {"Or", {7, [](NodeImporter &n) { return importLogic(n, Logic::Or); }}},
      {"Xor", {7, [](NodeImporter &n) { return importLogic(n, Logic::Xor); }}},

      {"GatherElements", {11, importGatherElements}},
      {"ScatterElements", {11, importScatterElements}},
      {"GatherND", {11, importGatherND}},
      {"ScatterND", {11, importScatterND}},
  };
  return table;
}
