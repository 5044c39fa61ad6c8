//===- Classify.h - which ONNX conformance tests are in scope ----*- C++ -*-===//
//
// ariadnec supports a fixed subset of ONNX. A conformance test is skipped as
// `unsupported` only when its model uses an operator or a feature written in
// the tables below (and in UNSUPPORTED.md); anything else must import, run
// and match. The decision is taken by inspecting the model alone, never by
// trying to import it, so that an importer bug cannot hide as a skip.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_TESTS_CONFORMANCE_CLASSIFY_H
#define ARIADNE_TESTS_CONFORMANCE_CLASSIFY_H

#include <string>
#include <vector>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace ariadne::conformance {

/// One group of operator types ariadnec does not import.
struct UnsupportedOpGroup {
  const char *group;
  std::vector<const char *> ops;
};

/// The operator types of the ONNX test data that ariadnec does not support,
/// grouped as in UNSUPPORTED.md.
const std::vector<UnsupportedOpGroup> &unsupportedOpGroups();

/// The operator types ariadnec imports (some only under the feature rules).
const std::vector<const char *> &supportedOps();

/// A model feature outside ariadnec's subset, though its operators are in.
enum class Feature {
  NonFloatTensor,
  DynamicShape,
  EmptyTensor,
  NoRuntimeInput,
  ForeignDomain,
  RuntimeShapeOperand,
  RuntimeGather,
  IndexOperand,
  RuntimeCast,
  BatchNormTraining,
  BatchNormPerActivation,
  DropoutTraining,
  DropoutMaskUsed,
  LegacyBroadcastAxis,
  ReshapeAllowZero,
  NonNumericConstant,
  LegacyOpVersion,
  RuntimeWeights,
  WindowRank,
  StaticBatch,
  MaxPoolIndices,
  AveragePoolDilations,
  AveragePoolCeil,
  AveragePoolPadding,
  PoolCeilPastInput,
  PadNotZeroSpatial,
  ReduceOverBatch,
  LayerNormStatistics,
  SplitOverBatch,
  SplitOfConstant,
};

struct FeatureRule {
  Feature feature;
  const char *name;        // short, as printed in reasons
  const char *description; // the rule, as in UNSUPPORTED.md
};

/// Every feature rule, in the order they are checked.
const std::vector<FeatureRule> &featureRules();

struct Classification {
  enum Kind {
    Supported,
    /// Uses a listed operator or feature: skipped.
    Unsupported,
    /// Uses an operator in neither table: the tables are out of date, which
    /// counts as a failure.
    Unclassified,
  };
  Kind kind = Supported;
  std::string reason; // empty when supported
};

/// Decides from the model alone whether its test is in scope. Shapes of
/// intermediate values come from the model's declarations and ONNX's own
/// shape inference (on a copy), never from the importer.
Classification classifyModel(const onnx::ModelProto &model);

} // namespace ariadne::conformance

#endif // ARIADNE_TESTS_CONFORMANCE_CLASSIFY_H
