//===- quant_config_test.cpp - the quantization config file ---------------===//
//
// The file that refines --precision per layer and tensor role: what it
// reads, how its sections combine, and that every mistake in it is named
// with its place in the file.
//
//===----------------------------------------------------------------------===//
#include "backends/common/Target.h"
#include "passes/Quant/QuantConfig.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ariadne;
using namespace ariadne::quant;

namespace {

constexpr const char *kPath = "cfg.toml";

QuantConfig parseOk(llvm::StringRef text, mlir::MLIRContext &context) {
  // The targets' sections ([hls], [verilog]) are the targets' to declare.
  registerAllTargets();
  llvm::Expected<QuantConfig> config =
      parseQuantConfigText(text, kPath, &context);
  if (!config) {
    std::string message = llvm::toString(config.takeError());
    INFO(message);
    FAIL("the config was rejected");
  }
  return std::move(*config);
}

std::string errorOf(llvm::StringRef text, mlir::MLIRContext &context) {
  registerAllTargets();
  llvm::Expected<QuantConfig> config =
      parseQuantConfigText(text, kPath, &context);
  if (config) {
    INFO(text.str());
    FAIL("the config was accepted");
  }
  return llvm::toString(config.takeError());
}

/// `cfg.toml:LINE:COL` of the first `needle` in `text`, counted here from
/// the text itself (lines and columns from 1).
std::string where(llvm::StringRef text, llvm::StringRef needle) {
  size_t at = text.find(needle);
  REQUIRE(at != llvm::StringRef::npos);
  llvm::StringRef before = text.take_front(at);
  size_t line = before.count('\n') + 1;
  size_t lineStart = before.rfind('\n');
  size_t column = lineStart == llvm::StringRef::npos ? at + 1 : at - lineStart;
  return std::string(kPath) + ":" + std::to_string(line) + ":" +
         std::to_string(column);
}

bool contains(const std::string &text, llvm::StringRef part) {
  return llvm::StringRef(text).contains(part);
}

} // namespace

TEST_CASE("the documented example reads back field by field", "[quant]") {
  mlir::MLIRContext context;
  QuantConfig config = parseOk(R"(
[model]
precision = "fixed<16, 6>"
max_width = 16
[model.table]
size = 1024
range = [-8.0, 8]
entry = "fixed<18,8>"
[type.dense]
weight = "fixed<8,1>"
bias = "fixed<12,4,TRN,WRAP>"
[type.softmax.exp_table]
size = 256
[layer."fc1"]
result = "fixed<18,8,RND,SAT>"
accumulator = "fixed<32,12>"
[layer."fc1".table]
size = 512
)",
                               context);
  CHECK(config.path == kPath);
  CHECK(config.model.precision == std::optional<std::string>("fixed<16,6>"));
  CHECK(config.maxWidth == std::optional<int>(16));
  CHECK(config.model.table.size == std::optional<int64_t>(1024));
  REQUIRE(config.model.table.range);
  CHECK(config.model.table.range->first == -8.0);
  CHECK(config.model.table.range->second == 8.0);
  CHECK(config.model.table.entry == std::optional<std::string>("fixed<18,8>"));
  CHECK(config.model.roles.empty());

  REQUIRE(config.byType.count("dense"));
  const LayerSettings &dense = config.byType.at("dense");
  CHECK(dense.roleType(Role::Weight) ==
        std::optional<std::string>("fixed<8,1>"));
  // The default modes are left out of the stored spelling.
  CHECK(dense.roleType(Role::Bias) ==
        std::optional<std::string>("fixed<12,4>"));
  CHECK_FALSE(dense.precision);
  CHECK(config.byType.at("softmax").expTable.size ==
        std::optional<int64_t>(256));

  REQUIRE(config.byName.count("fc1"));
  const LayerSettings &fc1 = config.byName.at("fc1");
  CHECK(fc1.roleType(Role::Result) ==
        std::optional<std::string>("fixed<18,8,RND,SAT>"));
  CHECK(fc1.roleType(Role::Accumulator) ==
        std::optional<std::string>("fixed<32,12>"));
  CHECK(fc1.table.size == std::optional<int64_t>(512));
  CHECK(config.layerNames() == std::set<std::string>{"fc1"});

  LayerSettings resolved = config.resolve("fc1", "dense");
  CHECK(resolved.precision == std::optional<std::string>("fixed<16,6>"));
  CHECK(resolved.roleType(Role::Weight) ==
        std::optional<std::string>("fixed<8,1>"));
  CHECK(resolved.roleType(Role::Result) ==
        std::optional<std::string>("fixed<18,8,RND,SAT>"));
  CHECK(resolved.table.size == std::optional<int64_t>(512));
  CHECK(resolved.table.range == std::make_pair(-8.0, 8.0));
  CHECK(resolved.roleType(Role::Table) ==
        std::optional<std::string>("fixed<18,8>"));

  // A layer's section applies whatever type the layer has.
  CHECK(config.resolve("fc1", "tanh").table.size ==
        std::optional<int64_t>(512));
  CHECK_FALSE(config.resolve("fc1", "tanh").roleType(Role::Weight));

  LayerSettings other = config.resolve("fc2", "tanh");
  CHECK_FALSE(other.roleType(Role::Weight));
  CHECK(other.table.size == std::optional<int64_t>(1024));
}

TEST_CASE("a layer overrides its type, which overrides the model, field by "
          "field",
          "[quant]") {
  // Every field is set by one of the eight subsets of the three levels; the
  // most specific level that sets it must win, and a field none sets stays
  // unset.
  const char *levelTypes[] = {"fixed<8,1>", "fixed<10,2>", "fixed<12,3>"};
  const int64_t levelSizes[] = {64, 128, 256};
  const std::pair<double, double> levelRanges[] = {
      {-1.0, 1.0}, {-2.0, 2.0}, {-4.0, 4.0}};
  struct Field {
    std::string table; // "" for a key of the section itself
    std::string key;
  };
  const std::vector<Field> fields = {
      {"", "precision"},      {"", "weight"},         {"", "bias"},
      {"", "accumulator"},    {"", "result"},         {"table", "size"},
      {"table", "range"},     {"table", "entry"},     {"exp_table", "size"},
      {"exp_table", "entry"}, {"inv_table", "range"}, {"inv_table", "entry"}};
  const char *headers[] = {"model", "type.softmax", "layer.\"sm.1\""};

  for (unsigned rotation = 0; rotation < 8; ++rotation) {
    auto subsetOf = [&](size_t field) { return (field + rotation) % 8; };
    std::string text;
    for (int level = 0; level < 3; ++level) {
      std::string section = headers[level];
      std::string own = "[" + section + "]\n";
      std::map<std::string, std::string> sub;
      for (size_t f = 0; f < fields.size(); ++f) {
        if (!(subsetOf(f) & (1u << level)))
          continue;
        std::string value;
        if (fields[f].key == "size")
          value = std::to_string(levelSizes[level]);
        else if (fields[f].key == "range")
          value = "[" + std::to_string(levelRanges[level].first) + ", " +
                  std::to_string(levelRanges[level].second) + "]";
        else
          value = std::string("\"") + levelTypes[level] + "\"";
        std::string line = fields[f].key + " = " + value + "\n";
        if (fields[f].table.empty())
          own += line;
        else
          sub[fields[f].table] += line;
      }
      text += own;
      for (const auto &[table, lines] : sub)
        text += "[" + section + "." + table + "]\n" + lines;
    }
    INFO(text);
    mlir::MLIRContext context;
    QuantConfig config = parseOk(text, context);
    LayerSettings resolved = config.resolve("sm.1", "softmax");

    for (size_t f = 0; f < fields.size(); ++f) {
      unsigned subset = subsetOf(f);
      int winner = subset & 4 ? 2 : subset & 2 ? 1 : subset & 1 ? 0 : -1;
      INFO("field " << fields[f].table << "." << fields[f].key << ", subset "
                    << subset);
      const TableSettings *table = fields[f].table == "table" ? &resolved.table
                                   : fields[f].table == "exp_table"
                                       ? &resolved.expTable
                                       : &resolved.invTable;
      std::optional<std::string> type;
      if (fields[f].key == "precision")
        type = resolved.precision;
      else if (fields[f].key == "weight")
        type = resolved.roleType(Role::Weight);
      else if (fields[f].key == "bias")
        type = resolved.roleType(Role::Bias);
      else if (fields[f].key == "accumulator")
        type = resolved.roleType(Role::Accumulator);
      else if (fields[f].key == "result")
        type = resolved.roleType(Role::Result);
      else if (fields[f].key == "entry")
        type = table->entry;

      if (fields[f].key == "size") {
        CHECK(table->size ==
              (winner < 0 ? std::nullopt
                          : std::optional<int64_t>(levelSizes[winner])));
      } else if (fields[f].key == "range") {
        CHECK(table->range == (winner < 0
                                   ? std::nullopt
                                   : std::optional<std::pair<double, double>>(
                                         levelRanges[winner])));
      } else {
        CHECK(type == (winner < 0
                           ? std::nullopt
                           : std::optional<std::string>(levelTypes[winner])));
      }
    }

    // Another layer of the same type sees the type's settings, a layer of
    // another type only the model's.
    LayerSettings sameType = config.resolve("sm.2", "softmax");
    LayerSettings otherType = config.resolve("sm.3", "dense");
    for (size_t f = 0; f < fields.size(); ++f) {
      if (fields[f].key != "weight")
        continue;
      unsigned subset = subsetOf(f);
      int typeWinner = subset & 2 ? 1 : subset & 1 ? 0 : -1;
      int modelWinner = subset & 1 ? 0 : -1;
      CHECK(sameType.roleType(Role::Weight) ==
            (typeWinner < 0
                 ? std::nullopt
                 : std::optional<std::string>(levelTypes[typeWinner])));
      CHECK(otherType.roleType(Role::Weight) ==
            (modelWinner < 0
                 ? std::nullopt
                 : std::optional<std::string>(levelTypes[modelWinner])));
    }
  }
}

TEST_CASE("the [hls] example reads back and resolves per layer", "[quant]") {
  mlir::MLIRContext context;
  QuantConfig config = parseOk(R"(
[hls]
part = "xcvu13p-flga2577-2-e"   # FPGA part for Vitis HLS
clock_period = 5.0              # ns
strategy = "latency"
reuse_factor = 1
[type.dense]
reuse_factor = 4
strategy = "resource"
[layer."fc1"]
reuse_factor = 8
)",
                               context);
  CHECK(config.sectionValue("hls", "part") ==
        std::optional<TargetValue>(std::string("xcvu13p-flga2577-2-e")));
  CHECK(config.sectionValue("hls", "clock_period") ==
        std::optional<TargetValue>(5.0));
  CHECK(config.model.targetText("strategy") ==
        std::optional<std::string>("latency"));
  CHECK(config.model.targetInteger("reuse_factor") ==
        std::optional<int64_t>(1));
  // [hls] sets no quantization settings and names no layer.
  CHECK_FALSE(config.model.precision);
  CHECK(config.model.roles.empty());
  CHECK_FALSE(config.maxWidth);
  CHECK(config.layerNames() == std::set<std::string>{"fc1"});

  REQUIRE(config.byType.count("dense"));
  CHECK(config.byType.at("dense").targetText("strategy") ==
        std::optional<std::string>("resource"));
  CHECK(config.byType.at("dense").targetInteger("reuse_factor") ==
        std::optional<int64_t>(4));
  REQUIRE(config.byName.count("fc1"));
  CHECK_FALSE(config.byName.at("fc1").targetText("strategy"));
  CHECK(config.byName.at("fc1").targetInteger("reuse_factor") ==
        std::optional<int64_t>(8));

  LayerSettings fc1 = config.resolve("fc1", "dense");
  CHECK(fc1.targetText("strategy") == std::optional<std::string>("resource"));
  CHECK(fc1.targetInteger("reuse_factor") == std::optional<int64_t>(8));
  LayerSettings fc2 = config.resolve("fc2", "dense");
  CHECK(fc2.targetText("strategy") == std::optional<std::string>("resource"));
  CHECK(fc2.targetInteger("reuse_factor") == std::optional<int64_t>(4));
  LayerSettings act = config.resolve("act", "tanh");
  CHECK(act.targetText("strategy") == std::optional<std::string>("latency"));
  CHECK(act.targetInteger("reuse_factor") == std::optional<int64_t>(1));
  // The layer's own section applies whatever its type.
  CHECK(config.resolve("fc1", "relu").targetInteger("reuse_factor") ==
        std::optional<int64_t>(8));
  CHECK(config.resolve("fc1", "relu").targetText("strategy") ==
        std::optional<std::string>("latency"));

  // An integer clock period, the defaults in [model], no part.
  QuantConfig inModel = parseOk("[hls]\nclock_period = 4\n[model]\n"
                                "strategy = \"resource\"\nreuse_factor = 16\n",
                                context);
  CHECK(inModel.sectionValue("hls", "clock_period") ==
        std::optional<TargetValue>(4.0));
  CHECK_FALSE(inModel.sectionValue("hls", "part"));
  CHECK(inModel.model.targetText("strategy") ==
        std::optional<std::string>("resource"));
  CHECK(inModel.resolve("x", "dense").targetInteger("reuse_factor") ==
        std::optional<int64_t>(16));

  // A file without [hls] leaves every HLS setting unset.
  QuantConfig none = parseOk("[model]\nprecision = \"fixed<8,3>\"\n", context);
  CHECK_FALSE(none.sectionValue("hls", "part"));
  CHECK_FALSE(none.sectionValue("hls", "clock_period"));
  CHECK_FALSE(none.resolve("x", "dense").targetText("strategy"));
  CHECK_FALSE(none.resolve("x", "dense").targetInteger("reuse_factor"));
}

TEST_CASE("strategy and reuse_factor resolve field by field from [hls] or "
          "[model]",
          "[quant]") {
  // Levels 0 ([hls] or [model]), 1 ([type.dense]) and 2 ([layer."fc1"]).
  // Each of strategy and reuse_factor is set by one of the eight subsets of
  // the levels. Strategy has two values only: in two rounds its level
  // values follow the bits of the level's code 0, 1, 2, so that any two
  // levels differ in one of the rounds.
  const int64_t levelFactors[] = {2, 3, 5};
  auto strategyOf = [](int level, int round) {
    return (level >> round) & 1 ? std::string("resource")
                                : std::string("latency");
  };
  for (const char *modelSection : {"hls", "model"}) {
    for (unsigned rotation = 0; rotation < 8; ++rotation) {
      for (int round = 0; round < 2; ++round) {
        unsigned strategySubset = rotation;
        unsigned factorSubset = (rotation + 3) % 8;
        const std::string headers[] = {std::string("[") + modelSection + "]",
                                       "[type.dense]", "[layer.\"fc1\"]"};
        std::string text;
        for (int level = 0; level < 3; ++level) {
          text += headers[level] + "\n";
          if (strategySubset & (1u << level))
            text += "strategy = \"" + strategyOf(level, round) + "\"\n";
          if (factorSubset & (1u << level))
            text +=
                "reuse_factor = " + std::to_string(levelFactors[level]) + "\n";
        }
        INFO(text);
        mlir::MLIRContext context;
        QuantConfig config = parseOk(text, context);

        auto winner = [](unsigned subset, int top) {
          for (int level = top; level >= 0; --level)
            if (subset & (1u << level))
              return level;
          return -1;
        };
        // fc1 of type dense sees all three levels, fc2 of type dense the
        // first two, fc1 as a relu the first and the last.
        struct View {
          std::string name, type;
          unsigned levels;
        };
        for (const View &view :
             {View{"fc1", "dense", 7u}, View{"fc2", "dense", 3u},
              View{"fc1", "relu", 5u}}) {
          INFO(view.name << " as " << view.type);
          LayerSettings resolved = config.resolve(view.name, view.type);
          int strategyWinner = winner(strategySubset & view.levels, 2);
          int factorWinner = winner(factorSubset & view.levels, 2);
          CHECK(resolved.targetText("strategy") ==
                (strategyWinner < 0 ? std::nullopt
                                    : std::optional<std::string>(
                                          strategyOf(strategyWinner, round))));
          CHECK(resolved.targetInteger("reuse_factor") ==
                (factorWinner < 0
                     ? std::nullopt
                     : std::optional<int64_t>(levelFactors[factorWinner])));
        }
      }
    }
  }
}

TEST_CASE("several names of one layer apply in order, the last winning",
          "[quant]") {
  mlir::MLIRContext context;
  QuantConfig config = parseOk(R"([hls]
reuse_factor = 2
strategy = "latency"
[layer.fc1]
reuse_factor = 4
strategy = "resource"
[layer.act1]
reuse_factor = 8
)",
                               context);
  LayerSettings fused = config.resolveAll({"fc1", "act1"}, "dense");
  CHECK(fused.targetInteger("reuse_factor") == std::optional<int64_t>(8));
  CHECK(fused.targetText("strategy") == std::optional<std::string>("resource"));
  LayerSettings reversed = config.resolveAll({"act1", "fc1"}, "dense");
  CHECK(reversed.targetInteger("reuse_factor") == std::optional<int64_t>(4));
  CHECK(reversed.targetText("strategy") ==
        std::optional<std::string>("resource"));
  LayerSettings neither = config.resolveAll({"x", "y"}, "dense");
  CHECK(neither.targetInteger("reuse_factor") == std::optional<int64_t>(2));
  CHECK(neither.targetText("strategy") ==
        std::optional<std::string>("latency"));
}

TEST_CASE("layer names are any string, located in the file", "[quant]") {
  mlir::MLIRContext context;
  std::string text = R"([model]
precision = "auto"

[layer."blocks.0/fc \"a\""]
weight = "ufixed<6,0>"
[layer.plain_name]
precision = "float"
)";
  QuantConfig config = parseOk(text, context);
  std::string dotted = "blocks.0/fc \"a\"";
  CHECK(config.layerNames() == std::set<std::string>{dotted, "plain_name"});
  CHECK(config.resolve(dotted, "dense").roleType(Role::Weight) ==
        std::optional<std::string>("ufixed<6,0>"));
  CHECK(config.resolve(dotted, "dense").precision ==
        std::optional<std::string>("auto"));
  CHECK(config.resolve("plain_name", "dense").precision ==
        std::optional<std::string>("float"));
  CHECK(config.locationOf(dotted) == where(text, "\"blocks"));
  CHECK(config.locationOf("plain_name") == where(text, "plain_name"));
  CHECK(config.locationOf("absent") == kPath);
}

TEST_CASE("every layer type is accepted and an unknown one is named",
          "[quant]") {
  mlir::MLIRContext context;
  std::string text;
  for (llvm::StringRef type : layerTypeNames())
    text += "[type." + type.str() + "]\nresult = \"fixed<10,3>\"\n";
  QuantConfig config = parseOk(text, context);
  CHECK(config.byType.size() == layerTypeNames().size());
  for (const char *type :
       {"dense", "tanh", "sigmoid", "softsign", "softmax", "relu", "leaky_relu",
        "hard_sigmoid", "clip", "batch_norm", "input"})
    CHECK(config.byType.count(type));

  std::string bad = "[type.dense]\nweight = \"fixed<8,1>\"\n[type.dens]\n";
  std::string error = errorOf(bad, context);
  CHECK(llvm::StringRef(error).starts_with(where(bad, "dens]") + ": "));
  CHECK(contains(error, "unknown layer type 'dens'"));
  CHECK(contains(error, "batch_norm"));
}

TEST_CASE("mistakes are named with FILE:LINE:COL and the reason", "[quant]") {
  mlir::MLIRContext context;
  struct Case {
    std::string text;
    std::string needle; // where the error points
    std::vector<std::string> parts;
  };
  const std::vector<Case> cases = {
      {"[model]\nprecison = \"fixed<8,2>\"\n",
       "precison",
       {"[model]: unknown key 'precison'", "allowed: precision, weight",
        "max_width"}},
      {"[modle]\n", "modle", {"unknown section 'modle'", "[model]"}},
      {"[model]\nweight = \"fixd<8,2>\"\n",
       "\"fixd",
       {"[model]: weight:", "fixd<8,2>"}},
      {"[model]\nprecision = \"fixed<8>\"\n",
       "\"fixed<8>",
       {"precision:", "'auto', 'float'"}},
      {"[model]\nbias = \"fixed<8,2,SAT>\"\n", "\"fixed<8,2,SAT", {"bias:"}},
      {"[type.dense]\nweight = \"auto\"\n",
       "\"auto",
       {"[type.dense]: weight takes a fixed-point type, not 'auto'"}},
      {"[layer.x]\nresult = \"float\"\n",
       "\"float",
       {"[layer.x]: result takes a fixed-point type, not 'float'"}},
      {"[layer.\"a b\"]\naccumulator = \"fixed<24,8,TRN,SAT>\"\n",
       "\"fixed<24",
       {"[layer.\"a b\"]: accumulator", "TRN and WRAP", "saturating"}},
      {"[model]\naccumulator = \"fixed<24,8,RND>\"\n",
       "\"fixed<24",
       {"accumulator", "TRN and WRAP", "does not round"}},
      {"[model]\nweight = 8\n", "weight", {"weight must be a string"}},
      {"[model]\nmax_width = 1\n", "1", {"max_width must be 2 to 64, got 1"}},
      {"[model]\nmax_width = 65\n",
       "65",
       {"max_width must be 2 to 64, got 65"}},
      {"[model]\nmax_width = 16.0\n",
       "max_width",
       {"max_width must be an integer"}},
      {"[type.relu]\nmax_width = 16\n",
       "max_width",
       {"[type.relu]: unknown key 'max_width'", "[model] only"}},
      {"[type.dense.exp_table]\nsize = 16\n",
       "exp_table",
       {"[type.dense]: unknown key 'exp_table'", "softmax"}},
      {"[model.table]\nsize = 1\n",
       "1",
       {"[model.table]: size must be 2 to 1048576", "got 1"}},
      {"[model.table]\nsize = 1048577\n", "1048577", {"got 1048577"}},
      {"[model.table]\nsize = 3.5\n", "size", {"size must be an integer"}},
      {"[layer.fc1.table]\nrange = [1.0, 1.0]\n",
       "[1.0",
       {"[layer.fc1.table]: range must have low < high, got [1, 1]"}},
      {"[model.inv_table]\nrange = [2, -2]\n",
       "[2",
       {"low < high, got [2, -2]"}},
      {"[model.table]\nrange = [1000.0, 100.0]\n",
       "[1000",
       {"low < high, got [1000, 100]"}},
      {"[model.table]\nrange = [-inf, 1.0]\n", "[-inf", {"finite"}},
      {"[model.table]\nrange = [nan, 1.0]\n", "[nan", {"finite"}},
      {"[model.table]\nrange = [-1.0, 0.0, 1.0]\n",
       "range",
       {"array of two numbers"}},
      {"[model.table]\nrange = [\"a\", 1.0]\n",
       "range",
       {"array of two numbers"}},
      {"[model.table]\nentry = \"fixed<70,3>\"\n",
       "\"fixed<70",
       {"[model.table]: entry:"}},
      {"[model.table]\nstep = 2\n",
       "step",
       {"unknown key 'step'", "size, range, entry"}},
      {"[model]\ntable = \"fixed<18,8>\"\n",
       "table",
       {"'table' must be a table", "table.entry"}},
      {"model = 3\n", "model", {"'model' must be a table"}},
      {"[layer]\nfc1 = \"fixed<8,1>\"\n", "fc1", {"'fc1' must be a table"}},
      {"[hls]\nparts = \"xcvu9p\"\n",
       "parts",
       {"[hls]: unknown key 'parts'", "(allowed: part, clock_period, io, "
                                      "time_loop, strategy, reuse_factor)"}},
      {"[hls]\nprecision = \"fixed<8,2>\"\n",
       "precision",
       {"[hls]: unknown key 'precision'"}},
      {"[hls.dense]\nreuse_factor = 2\n",
       "dense",
       {"[hls]: unknown key 'dense'"}},
      {"hls = \"xcvu9p\"\n", "hls", {"'hls' must be a table, got a string"}},
      {"[hls]\npart = 13\n",
       "part",
       {"[hls]: part must be a string, got an integer"}},
      {"[hls]\npart = \"\"\n", "\"\"", {"[hls]: part must not be empty"}},
      {"[hls]\npart = \"   \"\n", "\"  ", {"part must not be empty"}},
      {"[hls]\npart = \"xcvu9p\\\"; exit\"\n",
       "\"xcvu9p",
       {"[hls]: part", "letters, digits"}},
      {"[hls]\nclock_period = \"5ns\"\n",
       "clock_period",
       {"[hls]: clock_period must be a number", "got a string"}},
      {"[hls]\nclock_period = true\n",
       "clock_period",
       {"clock_period must be a number", "got a boolean"}},
      {"[hls]\nclock_period = 0\n",
       "0",
       {"[hls]: clock_period must be greater than 0 and at most 1000",
        "got 0"}},
      {"[hls]\nclock_period = -2.5\n", "-2.5", {"got -2.5"}},
      {"[hls]\nclock_period = 1000.5\n", "1000.5", {"got 1000.5"}},
      {"[hls]\nclock_period = 5000\n", "5000", {"got 5000"}},
      {"[hls]\nclock_period = nan\n", "nan", {"clock_period must be"}},
      {"[hls]\nclock_period = inf\n", "inf", {"clock_period must be"}},
      {"[hls]\nstrategy = \"fast\"\n",
       "\"fast",
       {"[hls]: strategy must be 'latency', 'resource' or "
        "'distributed_arithmetic', got 'fast'"}},
      {"[hls]\nio = \"streams\"\n",
       "\"streams",
       {"[hls]: io must be 'parallel' or 'stream', got 'streams'"}},
      {"[type.dense]\nstrategy = \"Latency\"\n",
       "\"Latency",
       {"[type.dense]: strategy must be", "got 'Latency'"}},
      {"[layer.fc1]\nstrategy = 1\n",
       "strategy",
       {"[layer.fc1]: strategy must be a string, got an integer"}},
      {"[hls]\nreuse_factor = 0\n",
       "0",
       {"[hls]: reuse_factor must be 1 to 4096, got 0"}},
      {"[model]\nreuse_factor = 4097\n",
       "4097",
       {"[model]: reuse_factor must be 1 to 4096, got 4097"}},
      {"[layer.\"fc 1\"]\nreuse_factor = -3\n",
       "-3",
       {"[layer.\"fc 1\"]: reuse_factor must be 1 to 4096, got -3"}},
      {"[type.dense]\nreuse_factor = 2.0\n",
       "reuse_factor",
       {"[type.dense]: reuse_factor must be an integer, got a float"}},
      {"[model.table]\nreuse_factor = 2\n",
       "reuse_factor",
       {"[model.table]: unknown key 'reuse_factor'"}},
      {"[model]\npart = \"xcvu9p\"\n",
       "part",
       {"[model]: unknown key 'part' (part is allowed in [hls] only)",
        "strategy, reuse_factor"}},
      {"[type.dense]\nclock_period = 5.0\n",
       "clock_period",
       {"[type.dense]: unknown key 'clock_period'", "[hls] only"}},
      {"[hls]\nio = \"streaming\"\n",
       "\"streaming\"",
       {"[hls]: io must be 'parallel' or 'stream', got 'streaming'"}},
      {"[hls]\nio = 1\n", "io", {"[hls]: io must be a string, got an integer"}},
      {"[hls]\ntime_loop = \"rolled\"\n",
       "\"rolled\"",
       {"[hls]: time_loop must be 'unrolled' or 'sequential', got 'rolled'"}},
      {"[layer.\"gru\"]\ntime_loop = \"sequential\"\n",
       "time_loop",
       {"[layer.gru]: unknown key 'time_loop'", "[hls] only"}},
  };
  for (const Case &c : cases) {
    INFO(c.text);
    std::string error = errorOf(c.text, context);
    INFO(error);
    CHECK(llvm::StringRef(error).starts_with(where(c.text, c.needle) + ": "));
    CHECK(llvm::StringRef(error).count('\n') == 0);
    for (const std::string &part : c.parts)
      CHECK(contains(error, part));
  }
}

TEST_CASE("a model-wide HLS default is given in [hls] or [model], not both",
          "[quant]") {
  mlir::MLIRContext context;
  // The later of the two is reported, with the place of the earlier.
  std::string strategies = "[model]\nstrategy = \"latency\"\n"
                           "[hls]\nstrategy = \"resource\"\n";
  std::string error = errorOf(strategies, context);
  CHECK(error == where(strategies, "strategy = \"resource") +
                     ": [hls]: strategy is also set in [model] (at " +
                     where(strategies, "strategy") +
                     "); give the model-wide default in one of them");

  // Equal values conflict all the same.
  std::string factors = "[hls]\nreuse_factor = 2\npart = \"xc7z020\"\n"
                        "[model]\nprecision = \"auto\"\n"
                        "reuse_factor = 2 # again\n";
  error = errorOf(factors, context);
  CHECK(llvm::StringRef(error).starts_with(
      where(factors, "reuse_factor = 2 # again") +
      ": [model]: reuse_factor is also set in [hls] (at " +
      where(factors, "reuse_factor") + ")"));
  CHECK(llvm::StringRef(error).count('\n') == 0);

  // Both keys in both sections: two errors, in the order of the file.
  std::string both = "[hls]\nstrategy = \"resource\"\nreuse_factor = 4\n"
                     "[model]\nreuse_factor = 4 # again\n"
                     "strategy = \"resource\" # again\n";
  error = errorOf(both, context);
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(error).split(lines, '\n');
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].starts_with(where(both, "reuse_factor = 4 # again") +
                             ": [model]: reuse_factor is also set in [hls]"));
  CHECK(lines[1].starts_with(where(both, "strategy = \"resource\" # again") +
                             ": [model]: strategy is also set in [hls]"));

  // Different keys in the two sections combine.
  QuantConfig split = parseOk(
      "[hls]\nstrategy = \"resource\"\n[model]\nreuse_factor = 6\n", context);
  CHECK(split.model.targetText("strategy") ==
        std::optional<std::string>("resource"));
  CHECK(split.model.targetInteger("reuse_factor") == std::optional<int64_t>(6));
}

TEST_CASE("limits themselves are accepted", "[quant]") {
  mlir::MLIRContext context;
  QuantConfig low = parseOk("[model]\nmax_width = 2\n[model.table]\nsize = 2\n"
                            "range = [-0.5, -0.25]\n",
                            context);
  CHECK(low.maxWidth == std::optional<int>(2));
  CHECK(low.model.table.size == std::optional<int64_t>(2));
  QuantConfig high = parseOk(
      "[model]\nmax_width = 64\n[model.table]\nsize = 1048576\n", context);
  CHECK(high.maxWidth == std::optional<int>(64));
  CHECK(high.model.table.size == std::optional<int64_t>(int64_t(1) << 20));
  QuantConfig hlsLow = parseOk("[hls]\nclock_period = 0.001\nreuse_factor = 1\n"
                               "part = \"xcu250-figd2104-2L-e\"\n[type.dense]\n"
                               "strategy = \"latency\"\n",
                               context);
  CHECK(hlsLow.sectionValue("hls", "clock_period") ==
        std::optional<TargetValue>(0.001));
  CHECK(hlsLow.model.targetInteger("reuse_factor") ==
        std::optional<int64_t>(1));
  CHECK(hlsLow.sectionValue("hls", "part") ==
        std::optional<TargetValue>(std::string("xcu250-figd2104-2L-e")));
  CHECK(hlsLow.byType.at("dense").targetText("strategy") ==
        std::optional<std::string>("latency"));
  QuantConfig hlsHigh =
      parseOk("[hls]\nclock_period = 1000\npart = \" xc7z020clg400-1 \"\n"
              "[layer.fc1]\nreuse_factor = 4096\nstrategy = \"resource\"\n",
              context);
  CHECK(hlsHigh.sectionValue("hls", "clock_period") ==
        std::optional<TargetValue>(1000.0));
  // Blanks around the part are dropped.
  CHECK(hlsHigh.sectionValue("hls", "part") ==
        std::optional<TargetValue>(std::string("xc7z020clg400-1")));
  CHECK(hlsHigh.byName.at("fc1").targetInteger("reuse_factor") ==
        std::optional<int64_t>(4096));
  QuantConfig empty = parseOk("", context);
  CHECK_FALSE(empty.model.precision);
  CHECK(empty.layerNames().empty());
  CHECK_FALSE(empty.sectionValue("hls", "part"));
  CHECK_FALSE(empty.sectionValue("hls", "clock_period"));
}

TEST_CASE("all mistakes of a file are reported, syntax errors located",
          "[quant]") {
  mlir::MLIRContext context;
  std::string text = "[model]\nweight = \"auto\"\nbias = 3\n[typo]\n";
  std::string error = errorOf(text, context);
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(error).split(lines, '\n');
  // In the order of the file, though TOML tables are unordered.
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].starts_with(where(text, "\"auto") + ": "));
  CHECK(lines[1].starts_with(where(text, "bias") + ": "));
  CHECK(lines[2].starts_with(where(text, "typo") + ": "));

  std::string syntax = "[model]\nprecision = \"fixed<8,2>\"\nweight = \n";
  std::string syntaxError = errorOf(syntax, context);
  CHECK(llvm::StringRef(syntaxError).starts_with("cfg.toml:3:"));
  CHECK(contains(syntaxError, "TOML syntax error"));
}

TEST_CASE("the config is read from a file", "[quant]") {
  mlir::MLIRContext context;
  llvm::SmallString<128> path;
  REQUIRE_FALSE(
      llvm::sys::fs::createTemporaryFile("quant-config", "toml", path));
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    REQUIRE_FALSE(ec);
    out << "[type.tanh.table]\nsize = 128\n[layer.y]\nbias = \"fixed<9,3>\"\n";
  }
  llvm::Expected<QuantConfig> config = parseQuantConfig(path, &context);
  llvm::sys::fs::remove(path);
  REQUIRE(static_cast<bool>(config));
  CHECK(config->path == path.str().str());
  CHECK(config->resolve("t", "tanh").table.size == std::optional<int64_t>(128));
  CHECK(config->locationOf("y") == path.str().str() + ":3:8");

  llvm::Expected<QuantConfig> missing =
      parseQuantConfig("/nonexistent/q.toml", &context);
  REQUIRE_FALSE(static_cast<bool>(missing));
  std::string error = llvm::toString(missing.takeError());
  CHECK(llvm::StringRef(error).starts_with("/nonexistent/q.toml: cannot read"));
}

TEST_CASE("roles are named as in the file", "[quant]") {
  CHECK(roleName(Role::Weight) == "weight");
  CHECK(roleName(Role::Bias) == "bias");
  CHECK(roleName(Role::Accumulator) == "accumulator");
  CHECK(roleName(Role::Result) == "result");
  CHECK(roleName(Role::Table) == "table");
}

TEST_CASE("a target's section and keys are the target's: registered, read "
          "and validated by its reader",
          "[quant]") {
  mlir::MLIRContext context;
  registerTargetSection(
      {"testboard",
       {{"board", false,
         [](const ConfigValue &v, llvm::StringRef section) {
           return v.text ? TargetKeyResult::ok(*v.text)
                         : TargetKeyResult::fail(section.str() +
                                                 ": board must be a string, "
                                                 "got " +
                                                 v.kind);
         }},
        {"lanes", true, [](const ConfigValue &v, llvm::StringRef section) {
           if (!v.integer || *v.integer < 1)
             return TargetKeyResult::fail(
                 section.str() + ": lanes must be a positive integer",
                 /*atValue=*/false);
           return TargetKeyResult::ok(*v.integer);
         }}}});
  QuantConfig config = parseOk("[testboard]\nboard = \"b1\"\nlanes = 2\n"
                               "[type.dense]\nlanes = 4\n"
                               "[layer.\"fc1\"]\nlanes = 8\n",
                               context);
  CHECK(config.sectionValue("testboard", "board") ==
        std::optional<TargetValue>(std::string("b1")));
  CHECK(config.resolve("fc1", "dense").targetInteger("lanes") ==
        std::optional<int64_t>(8));
  CHECK(config.resolve("fc2", "dense").targetInteger("lanes") ==
        std::optional<int64_t>(4));
  CHECK(config.resolve("fc2", "relu").targetInteger("lanes") ==
        std::optional<int64_t>(2));
  // The reader's message, located at the key or the value as it says.
  CHECK(errorOf("[testboard]\nboard = 3\n", context) ==
        "cfg.toml:2:9: [testboard]: board must be a string, got an integer");
  CHECK(errorOf("[layer.x]\nlanes = 0\n", context) ==
        "cfg.toml:2:1: [layer.x]: lanes must be a positive integer");
  // Its own keys belong to its section only; the per-layer one is listed
  // among a section's keys.
  std::string misplaced = errorOf("[model]\nboard = \"b1\"\n", context);
  CHECK_THAT(misplaced, Catch::Matchers::Contains(
                            "(board is allowed in [testboard] only)"));
  CHECK_THAT(misplaced, Catch::Matchers::Contains("lanes"));
}

TEST_CASE("a per-layer Verilog key's model-wide default is given once: in "
          "[verilog] or in [model]",
          "[quant]") {
  mlir::MLIRContext context;
  CHECK_THAT(
      errorOf("[model]\npipeline = 2\n[verilog]\npipeline = 3\n", context),
      Catch::Matchers::Contains(
          "cfg.toml:4:1: [verilog]: pipeline is also set in [model] "
          "(at cfg.toml:2:1)"));
  QuantConfig split =
      parseOk("[model]\npipeline = 2\n[verilog]\nmultiplier = \"shift_add\"\n",
              context);
  CHECK(split.resolve("x", "dense").targetInteger("pipeline") ==
        std::optional<int64_t>(2));
  CHECK(split.resolve("x", "dense").targetText("multiplier") ==
        std::optional<std::string>("shift_add"));
}
