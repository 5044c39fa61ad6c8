//===- frontend_errors_test.cpp - ONNX import errors ----------------------===//
//
// Every error a user can cause is one line naming the file, the node (name
// and op type) where there is one, and the reason.
//
//===----------------------------------------------------------------------===//
#include "frontend_test_utils.h"

#include "llvm/Support/FileSystem.h"

#include "onnx/onnx_pb.h"

using namespace frontend_test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {
/// Checks that `message` is one line that starts with `prefix` and holds
/// every fragment.
void checkMessage(const std::string &message, const std::string &prefix,
                  const std::vector<const char *> &fragments) {
  INFO(message);
  CHECK(message.find('\n') == std::string::npos);
  CHECK_THAT(message, StartsWith(prefix));
  for (const char *f : fragments)
    CHECK_THAT(message, Contains(f));
}

std::string validModelBytes() {
  onnx::ModelProto proto;
  proto.set_ir_version(8);
  proto.set_producer_name("tests");
  proto.add_opset_import()->set_version(13);
  onnx::GraphProto *graph = proto.mutable_graph();
  graph->set_name("g");
  for (const char *name : {"x", "y"}) {
    auto *info = name[0] == 'x' ? graph->add_input() : graph->add_output();
    info->set_name(name);
    auto *t = info->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto_DataType_FLOAT);
    t->mutable_shape()->add_dim()->set_dim_value(4);
  }
  onnx::TensorProto *w = graph->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto_DataType_FLOAT);
  w->add_dims(4);
  for (float f : {1.0f, 2.0f, 3.0f, 4.0f})
    w->add_float_data(f);
  onnx::NodeProto *add = graph->add_node();
  add->set_name("add");
  add->set_op_type("Add");
  add->add_input("x");
  add->add_input("w");
  add->add_output("y");
  std::string bytes;
  REQUIRE(proto.SerializeToString(&bytes));
  return bytes;
}
} // namespace

TEST_CASE("unreadable and non-ONNX inputs", "[frontend][errors]") {
  mlir::MLIRContext context;
  SECTION("missing file") {
    auto module = ariadne::importOnnxFile(context, "/nonexistent/dir/m.onnx");
    REQUIRE(!bool(module));
    checkMessage(llvm::toString(module.takeError()),
                 "/nonexistent/dir/m.onnx: ", {"cannot read the file"});
  }
  SECTION("empty bytes") {
    auto module = ariadne::importOnnxBuffer(context, "", "e.onnx", false);
    REQUIRE(!bool(module));
    checkMessage(llvm::toString(module.takeError()),
                 "e.onnx: ", {"not an ONNX model", "empty"});
  }
  SECTION("garbage bytes") {
    std::string garbage = "\x89PNG\r\n\x1a\n this is not a model \xff\xfe";
    auto module = ariadne::importOnnxBuffer(context, garbage, "g.onnx", false);
    REQUIRE(!bool(module));
    checkMessage(llvm::toString(module.takeError()),
                 "g.onnx: ", {"not an ONNX model"});
  }
  SECTION("a text file given as a binary model") {
    auto module = ariadne::importOnnxBuffer(
        context, "ir_version: 8\ngraph { }\n", "t.onnx", false);
    REQUIRE(!bool(module));
    checkMessage(llvm::toString(module.takeError()),
                 "t.onnx: ", {"not an ONNX model"});
  }
  SECTION("every truncation of a valid model") {
    std::string bytes = validModelBytes();
    REQUIRE(bool(ariadne::importOnnxBuffer(context, bytes, "ok.onnx", false)));
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      auto module = ariadne::importOnnxBuffer(
          context, llvm::StringRef(bytes).take_front(cut), "cut.onnx", false);
      INFO("cut at " << cut << " of " << bytes.size());
      REQUIRE(!bool(module));
      std::string message = llvm::toString(module.takeError());
      CHECK_THAT(message, StartsWith("cut.onnx: "));
      CHECK(message.find('\n') == std::string::npos);
    }
  }
  SECTION("a truncated model reports it as such") {
    std::string bytes = validModelBytes();
    auto module = ariadne::importOnnxBuffer(
        context, llvm::StringRef(bytes).take_front(bytes.size() / 2),
        "half.onnx", false);
    REQUIRE(!bool(module));
    checkMessage(llvm::toString(module.takeError()),
                 "half.onnx: ", {"truncated or corrupt"});
  }
  SECTION("text format syntax error with its position") {
    auto module = frontend_test::importText(
        context, "ir_version: 8\ngraph { node { input: } }\n", "bad.onnxtxt");
    REQUIRE(!bool(module));
    checkMessage(llvm::toString(module.takeError()),
                 "bad.onnxtxt: ", {"invalid ONNX text format", "line 2"});
  }
  SECTION("a model the ONNX checker rejects") {
    // Gemm needs at least two inputs.
    checkMessage(importError(model(13, input("x", {"2", "2"}) +
                                           node("Gemm", {"x"}, {"y"}, "g") +
                                           output("y", 2))),
                 "test.onnxtxt: ", {"invalid ONNX model"});
  }
  SECTION("a function name that is not a C identifier") {
    ariadne::OnnxImportOptions options;
    options.functionName = "my kernel";
    auto module = ariadne::importOnnxBuffer(context, validModelBytes(),
                                            "ok.onnx", false, options);
    REQUIRE(!bool(module));
    checkMessage(llvm::toString(module.takeError()),
                 "ok.onnx: ", {"'my kernel'", "C identifier"});
  }
}

TEST_CASE("unsupported ops, opsets and attributes", "[frontend][errors]") {
  SECTION("an op without importer is named") {
    checkMessage(
        importError(model(13, input("x", {"1", "2", "4"}) +
                                  node("Hardmax", {"x"}, {"y"}, "hard1") +
                                  output("y", 3))),
        "test.onnxtxt: node 'hard1' (Hardmax): ", {"unsupported op 'Hardmax'"});
  }
  SECTION("an op of an unknown domain") {
    std::string text =
        model(13, input("x", {"2"}) +
                      "node { input: \"x\" output: \"y\" name: \"f\" op_type: "
                      "\"FusedGelu\" domain: \"com.example\" }\n" +
                      output("y", 1));
    checkMessage(importError(text),
                 "test.onnxtxt: node 'f' (com.example.FusedGelu): ",
                 {"unsupported op 'com.example.FusedGelu'"});
  }
  SECTION("an unnamed node is named by its first output") {
    checkMessage(
        importError(model(13, input("x", {"3"}) + node("Exp", {"x"}, {"e"}) +
                                  output("e", 1))),
        "test.onnxtxt: node 'e' (Exp): ", {"unsupported op 'Exp'"});
  }
  SECTION("an op version older than the importer handles") {
    checkMessage(importError(model(5, input("x", {"3"}) +
                                          node("Relu", {"x"}, {"y"}, "r") +
                                          output("y", 1))),
                 "test.onnxtxt: node 'r' (Relu): ",
                 {"Relu-1 (opset 5) is not supported", "opset 6"});
  }
  SECTION("version-6 arithmetic with the legacy broadcast axis") {
    checkMessage(importError(model(
                     6, input("x", {"2", "3"}) + input("z", {"2"}) +
                            node("Add", {"x", "z"}, {"y"}, "a",
                                 intAttr("broadcast", 1) + intAttr("axis", 0)) +
                            output("y", 2))),
                 "test.onnxtxt: node 'a' (Add): ", {"legacy broadcast 'axis'"});
  }
  SECTION("version-6 arithmetic broadcasting A onto B") {
    checkMessage(
        importError(model(6, input("x", {"3"}) + input("z", {"2", "3"}) +
                                 node("Add", {"x", "z"}, {"y"}, "a",
                                      intAttr("broadcast", 1)) +
                                 output("y", 1))),
        "test.onnxtxt: node 'a' (Add): ", {"broadcasts B onto A only"});
  }
  SECTION("version-6 arithmetic broadcasting without broadcast=1") {
    checkMessage(
        importError(model(6, input("x", {"2", "3"}) + input("z", {"3"}) +
                                 node("Add", {"x", "z"}, {"y"}, "a") +
                                 output("y", 2))),
        "test.onnxtxt: node 'a' (Add): ", {"broadcast is 0"});
  }
  SECTION("an opset newer than supported") {
    checkMessage(
        importError(model(18, input("x", {"3"}) + node("Relu", {"x"}, {"y"}) +
                                  output("y", 1))),
        "test.onnxtxt: ", {"opset 18"});
  }
  SECTION("BatchNormalization in training mode") {
    std::string params;
    for (const char *p : {"s", "b", "m", "v"})
      params += floatInit(p, {2}, {"1", "1"});
    checkMessage(
        importError(
            model(15, input("x", {"N", "2"}) + params +
                          node("BatchNormalization", {"x", "s", "b", "m", "v"},
                               {"y"}, "bn", intAttr("training_mode", 1)) +
                          output("y", 2))),
        "test.onnxtxt: node 'bn' (BatchNormalization): ", {"training_mode=1"});
  }
  SECTION("BatchNormalization statistics outputs in use") {
    std::string params;
    for (const char *p : {"s", "b", "m", "v"})
      params += floatInit(p, {2}, {"1", "1"});
    checkMessage(
        importError(model(
            7, input("x", {"N", "2"}) + params +
                   node("BatchNormalization", {"x", "s", "b", "m", "v"},
                        {"y", "mean_out", "var_out", "saved_mean", "saved_var"},
                        "bn") +
                   output("y", 2) + output("mean_out", 1))),
        "test.onnxtxt: node 'bn' (BatchNormalization): ",
        {"'mean_out'", "training statistics"});
  }
  SECTION("Dropout mask in use") {
    checkMessage(importError(model(
                     13, input("x", {"N", "2"}) +
                             node("Dropout", {"x"}, {"y", "mask"}, "drop") +
                             output("y", 2) + output("mask", 2, 9))),
                 "test.onnxtxt: node 'drop' (Dropout): ", {"mask"});
  }
  SECTION("Dropout in training mode") {
    std::string text = model(
        13, input("x", {"N", "2"}) + floatInit("r", {}, {"0.5"}) +
                "initializer { name: \"t\" data_type: 9 int32_data: 1 }\n" +
                node("Dropout", {"x", "r", "t"}, {"y"}, "drop") +
                output("y", 2));
    checkMessage(importError(text),
                 "test.onnxtxt: node 'drop' (Dropout): ", {"training_mode"});
  }
  SECTION("Constant with an unsupported attribute") {
    std::string text =
        model(13, "node { output: \"c\" name: \"k\" op_type: \"Constant\" "
                  "attribute { name: \"value_string\" s: \"hi\" type: STRING "
                  "} }\n" +
                      output("c", 0, 8));
    checkMessage(importError(text), "test.onnxtxt: node 'k' (Constant): ",
                 {"'value_string'", "not supported"});
  }
}

TEST_CASE("unsupported data types are named", "[frontend][errors]") {
  SECTION("a float64 graph input") {
    checkMessage(
        importError(model(13, input("x", {"N", "2"}, 11) +
                                  node("Relu", {"x"}, {"y"}, "r") +
                                  output("y", 2, 11))),
        "test.onnxtxt: node 'r' (Relu): ", {"graph input 'x'", "float64"});
  }
  SECTION("an unused uint8 graph input") {
    checkMessage(importError(model(
                     13, input("x", {"2"}) + input("u", {"2"}, 2) +
                             node("Relu", {"x"}, {"y"}, "r") + output("y", 1))),
                 "test.onnxtxt: ", {"graph input 'u'", "uint8"});
  }
  SECTION("a float16 initializer") {
    std::string text =
        model(13, input("x", {"2"}) +
                      "initializer { name: \"h\" dims: 2 data_type: 10 "
                      "int32_data: 15360 int32_data: 15360 }\n" +
                      node("Mul", {"x", "h"}, {"y"}, "m") + output("y", 1));
    checkMessage(importError(text), "test.onnxtxt: node 'm' (Mul): ",
                 {"initializer 'h'", "float16"});
  }
  SECTION("an int64 initializer used as data") {
    checkMessage(
        importError(model(13, input("x", {"2"}) + intInit("k", {1, 2}) +
                                  node("Mul", {"x", "k"}, {"y"}, "m") +
                                  output("y", 1))),
        "test.onnxtxt: node 'm' (Mul): ", {"'k'", "int64"});
  }
  SECTION("a Cast of a runtime tensor to float64") {
    checkMessage(importError(model(13, input("x", {"2"}) +
                                           node("Cast", {"x"}, {"y"}, "c",
                                                intAttr("to", 11)) +
                                           output("y", 1, 11))),
                 "test.onnxtxt: node 'c' (Cast): ", {"float64"});
  }
  SECTION("a sequence input") {
    std::string text =
        model(13, "input { name: \"s\" type { sequence_type { elem_type { "
                  "tensor_type { elem_type: 1 } } } } }\n" +
                      node("Identity", {"s"}, {"y"}) +
                      "output { name: \"y\" type { sequence_type { elem_type "
                      "{ tensor_type { elem_type: 1 } } } } }\n");
    checkMessage(importError(text),
                 "test.onnxtxt: ", {"graph input 's'", "sequence"});
  }
  SECTION("an integer graph output") {
    checkMessage(importError(model(13, input("x", {"N", "2"}) +
                                           node("Shape", {"x"}, {"s"}) +
                                           output("s", 1, 7))),
                 "test.onnxtxt: ", {"graph output 's'", "int64"});
  }
}

TEST_CASE("dynamic dimensions other than the batch", "[frontend][errors]") {
  SECTION("a symbolic inner dimension") {
    checkMessage(
        importError(model(13, input("x", {"N", "features"}) +
                                  node("Relu", {"x"}, {"y"}) + output("y", 2))),
        "test.onnxtxt: ",
        {"graph input 'x'", "dynamic dimension 1", "'features'"});
  }
  SECTION("an unknown inner dimension, the only dynamic one") {
    // The batch of a time-major sequence: a view that per-event ops read
    // only along the axes after it.
    checkMessage(importError(model(13, input("x", {"2", "3", ""}) +
                                           node("Softmax", {"x"}, {"y"}) +
                                           output("y", 3))),
                 "test.onnxtxt: node 'y' (Softmax): ",
                 {"'x'", "dynamic batch dimension", "axis 2", "one event"});
  }
  SECTION("a second dynamic dimension") {
    checkMessage(
        importError(model(13, input("x", {"N", "3", ""}) +
                                  node("Relu", {"x"}, {"y"}) + output("y", 3))),
        "test.onnxtxt: ",
        {"graph input 'x'", "second dynamic dimension 2", "only one"});
  }
  SECTION("an input without shape") {
    checkMessage(
        importError(model(13, "input { name: \"x\" type { tensor_type { "
                              "elem_type: 1 } } }\n" +
                                  node("Relu", {"x"}, {"y"}) + output("y", 1))),
        "test.onnxtxt: ", {"graph input 'x'", "no shape"});
  }
}

TEST_CASE("ops across the batch dimension", "[frontend][errors]") {
  std::string x = input("x", {"N", "4"});
  struct Case {
    int opset;
    std::string body;
    const char *prefix;
    const char *reason;
    int rank = 2;
  };
  std::vector<Case> cases = {
      {13, node("Softmax", {"x"}, {"y"}, "sm", intAttr("axis", 0)),
       "node 'sm' (Softmax): ", "batch"},
      {11, node("Softmax", {"x"}, {"y"}, "sm", intAttr("axis", 0)),
       "node 'sm' (Softmax): ", "batch"},
      {13, node("Concat", {"x", "x"}, {"y"}, "cat", intAttr("axis", 0)),
       "node 'cat' (Concat): ", "batch"},
      {13,
       node("Transpose", {"x"}, {"t"}, "tr") +
           node("Softmax", {"t"}, {"y"}, "sm"),
       "node 'sm' (Softmax): ", "batch dimension of 't' sits at axis 1"},
      {13,
       node("Transpose", {"x"}, {"t"}, "tr") +
           floatInit("k", {4, 1}, std::vector<std::string>(4, "1")) +
           node("Add", {"t", "k"}, {"y"}, "ad"),
       "node 'ad' (Add): ", "would broadcast across events"},
      {13,
       intInit("st", {1}) + intInit("en", {3}) + intInit("ax", {0}) +
           node("Slice", {"x", "st", "en", "ax"}, {"y"}, "sl"),
       "node 'sl' (Slice): ", "batch"},
      {13, intInit("s", {2, -1}) + node("Reshape", {"x", "s"}, {"y"}, "rs"),
       "node 'rs' (Reshape): ", "batch"},
      {13, intInit("s", {-1, 3}) + node("Reshape", {"x", "s"}, {"y"}, "rs"),
       "node 'rs' (Reshape): ", "mix events"},
      {13, node("Flatten", {"x"}, {"y"}, "fl", intAttr("axis", 0)),
       "node 'fl' (Flatten): ", "batch"},
      {13, intInit("a", {0}) + node("Unsqueeze", {"x", "a"}, {"y"}, "us"),
       "node 'us' (Unsqueeze): ", "batch", 3},
      {13, intInit("a", {0}) + node("Squeeze", {"x", "a"}, {"y"}, "sq"),
       "node 'sq' (Squeeze): ", "batch", 1},
      {13,
       floatInit("w", {4, 3}, std::vector<std::string>(12, "1")) +
           node("Gemm", {"x", "w"}, {"y"}, "gm", intAttr("transA", 1)),
       "node 'gm' (Gemm): ", "batch"},
      {13, node("MatMul", {"x", "x"}, {"y"}, "mm"),
       "node 'mm' (MatMul): ", "batch"},
      {13,
       floatInit("k", {3, 4}, std::vector<std::string>(12, "1")) +
           node("Add", {"x", "k"}, {"y"}, "ad"),
       "node 'ad' (Add): ", "batch"},
  };
  for (const Case &c : cases) {
    INFO(c.body);
    checkMessage(importError(model(c.opset, x + c.body + output("y", c.rank))),
                 std::string("test.onnxtxt: ") + c.prefix, {c.reason});
  }
}

TEST_CASE("Expand, Equal, Where and merged batch views", "[frontend][errors]") {
  std::string x = input("x", {"N", "3"});
  struct Case {
    std::string body;
    const char *prefix;
    std::vector<const char *> reasons;
    int rank = 2;
  };
  std::vector<Case> cases = {
      {intInit("s", {2, 1, 3}) + node("Expand", {"x", "s"}, {"y"}, "ex"),
       "node 'ex' (Expand): ",
       {"dynamic batch dimension", "leading"},
       3},
      {intInit("s", {1, 4}) + node("Expand", {"x", "s"}, {"y"}, "ex"),
       "node 'ex' (Expand): ",
       {"[?, 3]", "do not broadcast"}},
      {intInit("s", {-2, 3}) + node("Expand", {"x", "s"}, {"y"}, "ex"),
       "node 'ex' (Expand): ",
       {"negative dimension -2"}},
      {floatInit("a", {3}, {"1", "2", "3"}) + floatInit("b", {3}, {"1", "1", "1"}) +
           node("Greater", {"a", "b"}, {"e"}, "gt") +
           node("Where", {"e", "x", "x"}, {"y"}, "wh"),
       "node 'gt' (Greater): ",
       {"input 'a'", "constant tensor of different values"}},
      {floatInit("a", {1}, {"2"}) + floatInit("b", {1}, {"1"}) +
           node("Less", {"a", "b"}, {"e"}, "lt") +
           node("Where", {"e", "x", "x"}, {"y"}, "wh"),
       "node 'lt' (Less): ",
       {"compares two constants"}},
      {intInit("c", {1}) + node("Where", {"c", "x", "x"}, {"y"}, "wh"),
       "node 'wh' (Where): ",
       {"condition 'c'", "computed at run time"}},
      {input("m", {"N", "3"}, 9) + node("Where", {"m", "x", "x"}, {"w"}, "wh") +
           node("Tile", {"w", "r"}, {"y"}, "tile") + intInit("r", {2, 1}),
       "node 'tile' (Tile): ",
       {"repeating the dynamic batch dimension would mix events"}},
      {input("m", {"N", "3"}, 9) + intInit("r", {1, 2}) +
           node("Not", {"m"}, {"n"}, "not") +
           node("Tile", {"n", "r"}, {"t"}, "tile") +
           node("Cast", {"t"}, {"f"}, "cast", intAttr("to", 1)) +
           node("Expand", {"f", "s"}, {"y"}, "ex") + intInit("s", {1, 1, 6}),
       "node 'ex' (Expand): ",
       {"dynamic batch", "leading"},
       3},
      // [N, 3] as [3N, 1]: one event's three values in a column, which
      // only reshapes, transposes and per-event ops read.
      {intInit("s", {-1, 1}) + node("Reshape", {"x", "s"}, {"r"}, "rs") +
           node("Concat", {"r", "r"}, {"y"}, "cat", intAttr("axis", 1)),
       "node 'cat' (Concat): ",
       {"input 'r'", "[?, 1]", "merges the dynamic batch dimension with 3"}},
      {intInit("s", {-1, 1}) + node("Reshape", {"x", "s"}, {"r"}, "rs") +
           node("Softmax", {"r"}, {"y"}, "sm", intAttr("axis", 0)),
       "node 'sm' (Softmax): ",
       {"sits at axis 0", "one event"}},
  };
  for (const Case &c : cases) {
    INFO(c.body);
    checkMessage(importError(model(13, x + c.body + output("y", c.rank))),
                 std::string("test.onnxtxt: ") + c.prefix, c.reasons);
  }
}

TEST_CASE("NaN and Inf initializers name the initializer and the node",
          "[frontend][errors]") {
  for (const char *bad : {"nan", "inf", "-inf"}) {
    std::string text = model(
        13, input("x", {"N", "3"}) +
                floatInit("W", {2, 3}, {"1", "2", bad, "4", "5", "6"}) +
                node("Gemm", {"x", "W"}, {"y"}, "fc", intAttr("transB", 1)) +
                output("y", 2));
    std::string expected = std::string(bad) == "nan" ? "NaN" : "Inf";
    checkMessage(importError(text), "test.onnxtxt: node 'fc' (Gemm): ",
                 {"initializer 'W'", expected.c_str(), "element 2"});
  }
}

TEST_CASE("parameters that must be compile-time constants",
          "[frontend][errors]") {
  SECTION("a Reshape shape from a graph input") {
    checkMessage(
        importError(model(13, input("x", {"2", "3"}) + input("s", {"2"}, 7) +
                                  node("Reshape", {"x", "s"}, {"y"}, "rs") +
                                  output("y", 2))),
        "test.onnxtxt: node 'rs' (Reshape): ", {"shape 's'", "compile time"});
  }
  SECTION("Slice starts from a graph input") {
    checkMessage(
        importError(model(
            13, input("x", {"4"}) + input("st", {"1"}, 7) + intInit("en", {3}) +
                    node("Slice", {"x", "st", "en"}, {"y"}, "sl") +
                    output("y", 1))),
        "test.onnxtxt: node 'sl' (Slice): ", {"starts 'st'", "compile time"});
  }
  SECTION("Unsqueeze axes computed from a float tensor") {
    checkMessage(
        importError(model(13, input("x", {"4"}) +
                                  node("Unsqueeze", {"x", "x"}, {"y"}, "us") +
                                  output("y", 2))),
        "test.onnxtxt: node 'us' (Unsqueeze): ",
        {"axes 'x'", "integer tensor"});
  }
  SECTION("a shape value that depends on the batch size") {
    std::string text = model(
        13, input("x", {"N", "4"}) + node("Shape", {"x"}, {"s"}) +
                intInit("one", {1}) + node("Add", {"s", "one"}, {"m"}, "plus") +
                node("Reshape", {"x", "m"}, {"y"}) + output("y", 2));
    checkMessage(importError(text),
                 "test.onnxtxt: node 'plus' (Add): ", {"dynamic batch size"});
  }
  SECTION("Gather of a runtime tensor along the batch") {
    checkMessage(
        importError(model(13, input("x", {"N", "4"}) + intInit("i", {1}) +
                                  node("Gather", {"x", "i"}, {"y"}, "ga") +
                                  output("y", 2))),
        "test.onnxtxt: node 'ga' (Gather): ", {"batch", "mix events"});
  }
}

TEST_CASE("shape errors are located", "[frontend][errors]") {
  SECTION("a reshape to the wrong element count") {
    checkMessage(
        importError(model(13, input("x", {"2", "3"}) + intInit("s", {4, 2}) +
                                  node("Reshape", {"x", "s"}, {"y"}, "rs") +
                                  output("y", 2))),
        "test.onnxtxt: node 'rs' (Reshape): ",
        {"cannot reshape [2, 3] into [4, 2]"});
  }
  SECTION("operands that do not broadcast") {
    checkMessage(
        importError(model(13, input("x", {"2", "3"}) + input("z", {"2", "4"}) +
                                  node("Add", {"x", "z"}, {"y"}, "ad") +
                                  output("y", 2))),
        "test.onnxtxt: node 'ad' (Add): ", {"do not broadcast"});
  }
  SECTION("an input no node produces") {
    checkMessage(importError(model(13, input("x", {"2"}) +
                                           node("Relu", {"ghost"}, {"y"}, "r") +
                                           output("y", 1))),
                 "test.onnxtxt: ", {"ghost"});
  }
  SECTION("a graph output whose declared shape contradicts the model") {
    std::string text =
        model(13, input("x", {"2", "3"}) + node("Relu", {"x"}, {"y"}, "r") +
                      "output { name: \"y\" type { tensor_type { elem_type: "
                      "1 shape { dim { dim_value: 2 } dim { dim_value: 5 } } "
                      "} } }\n");
    checkMessage(importError(text), "test.onnxtxt: ", {"shape"});
  }
}
