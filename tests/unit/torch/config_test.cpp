//===- config_test.cpp - training configurations --------------------------===//
#include "frontend/torch/Config.h"
#include "torch_test_util.h"

#include <catch2/catch.hpp>

using namespace ariadne::train;
using ariadne::test::writeScratch;

namespace {

const char *kBase = R"([base]
data = "events.csv"
inputs = ["a", "b"]
targets = ["t"]
expert_column = "e"
hidden = [8, 4]
activation = "tanh"
learning_rate = 0.01
epochs = 7
seed = 3

[base.expert_2]
epochs = 9

[child]
extends = "base"
activation = "tanh_half"
batch_norm = true
optimizer = "sgd"
momentum = 0.5
weight_decay = 1e-4
lr_schedule = "cosine"
qat = "fixed<12,4,RND,SAT>"
reweight = { column = "t", mean = 1.0, std = 2.0, buckets = 4, min = -2.0, max = 2.0, outer = "infinite" }

[child.expert_2]
learning_rate = 0.5

[child.expert_1]
hidden = [3]
)";

} // namespace

TEST_CASE("extends inherits keys and merges per-expert overrides",
          "[train][config]") {
  std::string path = writeScratch("inherit.toml", kBase);
  TrainConfig config;
  std::string error;
  REQUIRE(loadConfig(path, "child", config, error));
  CHECK(config.name == "child");
  CHECK(config.inputs == std::vector<std::string>{"a", "b"});
  CHECK(config.expertColumn == "e");
  // Inherited from base, overridden by child.
  CHECK(config.defaults.hidden == std::vector<int>{8, 4});
  CHECK(config.defaults.activation == Activation::TanhHalf);
  CHECK(config.defaults.batchNorm);
  CHECK(config.defaults.optimizer == Optimizer::SGD);
  CHECK(config.defaults.momentum == 0.5);
  CHECK(config.defaults.schedule == LrSchedule::Cosine);
  CHECK(config.defaults.epochs == 7);
  REQUIRE(config.defaults.qat);
  CHECK(config.defaults.qat->width == 12);
  CHECK(config.defaults.qat->intWidth == 4);
  CHECK(config.defaults.reweight.enabled);
  CHECK(config.defaults.reweight.infiniteOuter);
  // expert_2: epochs from base's table, learning rate from child's.
  const Hyperparameters &two = config.forExpert(2);
  CHECK(two.epochs == 9);
  CHECK(two.learningRate == 0.5);
  CHECK(two.activation == Activation::TanhHalf);
  CHECK(config.forExpert(1).hidden == std::vector<int>{3});
  CHECK(config.forExpert(1).epochs == 7);
  CHECK(config.forExpert(0).learningRate == 0.01);
  // The events file is resolved against the configuration's folder.
  CHECK(config.data.size() > std::string("events.csv").size());
  CHECK(config.data.substr(config.data.size() - 11) == "/events.csv");
}

TEST_CASE("the resolved configuration loads back to itself",
          "[train][config]") {
  std::string path = writeScratch("roundtrip.toml", kBase);
  TrainConfig config;
  std::string error;
  REQUIRE(loadConfig(path, "child", config, error));
  std::string saved = writeScratch("roundtrip_saved.toml", config.toToml());
  TrainConfig again;
  REQUIRE(loadConfig(saved, "child", again, error));
  CHECK(again.data == config.data);
  CHECK(again.forExpert(2).learningRate == 0.5);
  CHECK(again.forExpert(1).hidden == std::vector<int>{3});
  CHECK(again.defaults.qat->text == "fixed<12,4,RND,SAT>");
  // No input shape is written for a flat input; conv always is.
  CHECK(again.inputShape.empty());
  CHECK(again.defaults.conv.empty());
  CHECK(config.toToml().find("input_shape") == std::string::npos);
  CHECK(config.toToml().find("\nconv = []\n") != std::string::npos);
  // Only the first line names the file it came from.
  std::string first = config.toToml(), second = again.toToml();
  CHECK(first.substr(first.find('\n')) == second.substr(second.find('\n')));
}

TEST_CASE("an unknown key is an error with file, line and key",
          "[train][config]") {
  std::string path = writeScratch("unknown.toml", "[a]\n"
                                                  "data = \"x.csv\"\n"
                                                  "inputs = [\"a\"]\n"
                                                  "targets = [\"t\"]\n"
                                                  "learning_rat = 0.1\n");
  TrainConfig config;
  std::string error;
  REQUIRE_FALSE(loadConfig(path, "a", config, error));
  CHECK(error.find(path + ":5:") == 0);
  CHECK(error.find("'learning_rat'") != std::string::npos);
}

TEST_CASE("global keys cannot be set per expert", "[train][config]") {
  std::string path = writeScratch("perexpert.toml", "[a]\n"
                                                    "data = \"x.csv\"\n"
                                                    "inputs = [\"a\"]\n"
                                                    "targets = [\"t\"]\n"
                                                    "[a.expert_1]\n"
                                                    "data = \"y.csv\"\n");
  TrainConfig config;
  std::string error;
  REQUIRE_FALSE(loadConfig(path, "a", config, error));
  CHECK(error.find(path + ":6:") == 0);
  CHECK(error.find("cannot be set per expert") != std::string::npos);
}

TEST_CASE("a cycle in extends is an error naming the chain",
          "[train][config]") {
  std::string path = writeScratch("cycle.toml", "[a]\n"
                                                "extends = \"b\"\n"
                                                "[b]\n"
                                                "extends = \"c\"\n"
                                                "[c]\n"
                                                "extends = \"a\"\n");
  TrainConfig config;
  std::string error;
  REQUIRE_FALSE(loadConfig(path, "a", config, error));
  CHECK(error.find(path + ":6:") == 0);
  CHECK(error.find("cycle in 'extends': a -> b -> c -> a") !=
        std::string::npos);
}

TEST_CASE("bad values are located errors", "[train][config]") {
  auto failure = [](const std::string &line) {
    std::string path = writeScratch("value.toml", "[a]\n"
                                                  "data = \"x.csv\"\n"
                                                  "inputs = [\"a\"]\n"
                                                  "targets = [\"t\"]\n" +
                                                      line + "\n");
    TrainConfig config;
    std::string error;
    CHECK_FALSE(loadConfig(path, "a", config, error));
    CHECK(error.find(path + ":5:") == 0);
    return error;
  };
  CHECK(failure("activation = \"sigmoidal\"").find("tanh_half") !=
        std::string::npos);
  CHECK(failure("epochs = 0").find("between 1") != std::string::npos);
  CHECK(failure("epochs = \"ten\"").find("integer") != std::string::npos);
  CHECK(failure("qat = \"fixed<16>\"").find("fixed<W,I") != std::string::npos);
  CHECK(failure("validation_split = 1.5").find("[0, 1)") != std::string::npos);
  CHECK(failure("filters = [{ kind = \"box\" }]").find("unknown filter") !=
        std::string::npos);
  CHECK(failure("extends = \"nowhere\"").find("no configuration 'nowhere'") !=
        std::string::npos);
}

TEST_CASE("a file with several configurations needs a name",
          "[train][config]") {
  std::string path = writeScratch("several.toml", kBase);
  TrainConfig config;
  std::string error;
  REQUIRE_FALSE(loadConfig(path, "", config, error));
  CHECK(error.find("--config") != std::string::npos);
  std::vector<std::string> names;
  REQUIRE(listConfigs(path, names, error));
  CHECK(names == std::vector<std::string>{"base", "child"});
}

namespace {

/// The configuration `a` (data, inputs and targets on lines 2-4) with
/// `lines` from line 5 on, written to `name`.
std::string writeConfig(const std::string &name, const std::string &lines) {
  return writeScratch(name, "[a]\n"
                            "data = \"x.csv\"\n"
                            "inputs = [\"c*\"]\n"
                            "targets = [\"t\"]\n" +
                                lines);
}

/// The error of loading configuration `a` of writeConfig(`lines`), and
/// "" where it loads.
std::string errorOf(const std::string &lines) {
  std::string path = writeConfig("conv_error.toml", lines);
  TrainConfig config;
  std::string error;
  return loadConfig(path, "a", config, error) ? "" : error;
}

/// The location prefix of a message about conv_error.toml.
std::string at(int line, int column) {
  return writeConfig("conv_error.toml", "") + ":" + std::to_string(line) + ":" +
         std::to_string(column) + ": ";
}

/// A layer of a convolutional front as text, for comparisons that print.
std::string convText(const ConvSpec &layer) {
  return "{channels " + std::to_string(layer.channels) + ", kernel " +
         std::to_string(layer.kernel) + ", stride " +
         std::to_string(layer.stride) + ", padding " +
         std::to_string(layer.padding) + ", pool " +
         std::to_string(layer.pool) + (layer.poolMax ? " max}" : " avg}");
}

std::string convText(const std::vector<ConvSpec> &layers) {
  std::string result;
  for (const ConvSpec &layer : layers)
    result += convText(layer);
  return result;
}

std::string convLayer(int channels, int kernel, int stride, int padding,
                      int pool, bool poolMax) {
  ConvSpec layer;
  layer.channels = channels;
  layer.kernel = kernel;
  layer.stride = stride;
  layer.padding = padding;
  layer.pool = pool;
  layer.poolMax = poolMax;
  return convText(layer);
}

} // namespace

TEST_CASE("input_shape and conv are read, with defaults", "[train][config]") {
  TrainConfig config;
  std::string error;
  SECTION("neither: a flat input and no convolutional front") {
    REQUIRE(loadConfig(writeConfig("conv_none.toml", ""), "a", config, error));
    CHECK(config.inputShape.empty());
    CHECK(config.defaults.conv.empty());
  }
  SECTION("[C, L] and every key of a layer; omitted keys keep defaults") {
    REQUIRE(loadConfig(
        writeConfig("conv_1d.toml",
                    "input_shape = [2, 32]\n"
                    "conv = [{ channels = 4, kernel = 5, stride = 2, "
                    "padding = 2, pool = 2, pool_kind = \"avg\" },\n"
                    "        {}, { pool_kind = \"max\", pool = 3 }]\n"),
        "a", config, error));
    CHECK(config.inputShape == std::vector<int>{2, 32});
    REQUIRE(config.defaults.conv.size() == 3);
    CHECK(convText(config.defaults.conv[0]) == convLayer(4, 5, 2, 2, 2, false));
    CHECK(convText(config.defaults.conv[1]) == convLayer(8, 3, 1, 0, 0, true));
    CHECK(convText(config.defaults.conv[2]) == convLayer(8, 3, 1, 0, 3, true));
  }
  SECTION("[C, H, W] and layers as an array of tables") {
    REQUIRE(loadConfig(writeConfig("conv_2d.toml", "input_shape = [3, 8, 6]\n"
                                                   "[[a.conv]]\n"
                                                   "channels = 1024\n"
                                                   "kernel = 64\n"
                                                   "padding = 64\n"
                                                   "stride = 64\n"
                                                   "[[a.conv]]\n"
                                                   "kernel = 1\n"
                                                   "pool = 0\n"),
                       "a", config, error));
    CHECK(config.inputShape == std::vector<int>{3, 8, 6});
    REQUIRE(config.defaults.conv.size() == 2);
    CHECK(convText(config.defaults.conv[0]) ==
          convLayer(1024, 64, 64, 64, 0, true));
    CHECK(convText(config.defaults.conv[1]) == convLayer(8, 1, 1, 0, 0, true));
  }
  SECTION("an empty front needs no input shape") {
    REQUIRE(loadConfig(writeConfig("conv_empty.toml", "conv = []\n"), "a",
                       config, error));
    CHECK(config.defaults.conv.empty());
  }
  SECTION("the largest input shape") {
    REQUIRE(loadConfig(
        writeConfig("conv_large.toml", "input_shape = [64, 128, 128]\n"), "a",
        config, error));
    CHECK(config.inputShape == std::vector<int>{64, 128, 128});
  }
  SECTION("padding lets a kernel larger than the input fit") {
    // (4 + 2 - 6) / 1 + 1 = 1, then (1 + 0 - 1) + 1 = 1.
    REQUIRE(loadConfig(writeConfig("conv_pad.toml",
                                   "input_shape = [1, 4]\n"
                                   "conv = [{ kernel = 6, padding = 1 }, "
                                   "{ kernel = 1 }]\n"),
                       "a", config, error));
    CHECK(config.defaults.conv.size() == 2);
  }
}

TEST_CASE("bad input_shape values are located errors", "[train][config]") {
  REQUIRE(errorOf("input_shape = 3") ==
          at(5, 15) + "'a.input_shape' must be an array of 2 or 3 integers "
                      "([C, L] or [C, H, W])");
  REQUIRE(errorOf("input_shape = [16]") ==
          at(5, 15) + "'a.input_shape' must have 2 or 3 dimensions ([C, L] "
                      "or [C, H, W]), got 1");
  REQUIRE(errorOf("input_shape = [1, 2, 3, 4]") ==
          at(5, 15) + "'a.input_shape' must have 2 or 3 dimensions ([C, L] "
                      "or [C, H, W]), got 4");
  REQUIRE(errorOf("input_shape = []") ==
          at(5, 15) + "'a.input_shape' must have 2 or 3 dimensions ([C, L] "
                      "or [C, H, W]), got 0");
  REQUIRE(errorOf("input_shape = [1, \"8\"]") ==
          at(5, 19) + "'a.input_shape' must be an integer");
  REQUIRE(errorOf("input_shape = [1, 0]") ==
          at(5, 19) + "'a.input_shape' must be between 1 and 4096");
  REQUIRE(errorOf("input_shape = [4097, 1]") ==
          at(5, 16) + "'a.input_shape' must be between 1 and 4096");
  REQUIRE(errorOf("input_shape = [128, 128, 65]") ==
          at(5, 15) + "'a.input_shape' holds 1064960 values per event, more "
                      "than 1048576");
  REQUIRE(errorOf("[a.expert_1]\ninput_shape = [1, 4]") ==
          at(6, 1) + "key 'input_shape' in 'a.expert_1' cannot be set per "
                     "expert");
}

TEST_CASE("bad conv values are located errors", "[train][config]") {
  const std::string shape = "input_shape = [1, 64]\n";
  const std::string usage = " must be an array of tables like {channels = "
                            "8, kernel = 3, pool = 2}";
  REQUIRE(errorOf("conv = 3") == at(5, 8) + "'a.conv'" + usage);
  REQUIRE(errorOf("conv = [3]") == at(5, 9) + "'a.conv'" + usage);
  REQUIRE(errorOf("conv = [{}, [1]]") == at(5, 13) + "'a.conv'" + usage);
  REQUIRE(errorOf("conv = [{ kernal = 3 }]") ==
          at(5, 11) + "unknown key 'kernal' in 'a.conv[0]'");
  REQUIRE(errorOf("conv = [{ channels = \"8\" }]") ==
          at(5, 22) + "'a.conv[0].channels' must be an integer");
  REQUIRE(errorOf("conv = [{ channels = 0 }]") ==
          at(5, 22) + "'a.conv[0].channels' must be between 1 and 1024");
  REQUIRE(errorOf("conv = [{ channels = 1025 }]") ==
          at(5, 22) + "'a.conv[0].channels' must be between 1 and 1024");
  REQUIRE(errorOf("conv = [{ kernel = 0 }]") ==
          at(5, 20) + "'a.conv[0].kernel' must be between 1 and 64");
  REQUIRE(errorOf("conv = [{ kernel = 65 }]") ==
          at(5, 20) + "'a.conv[0].kernel' must be between 1 and 64");
  REQUIRE(errorOf("conv = [{ kernel = 2.0 }]") ==
          at(5, 20) + "'a.conv[0].kernel' must be an integer");
  REQUIRE(errorOf("conv = [{}, { stride = 0 }]") ==
          at(5, 24) + "'a.conv[1].stride' must be between 1 and 64");
  REQUIRE(errorOf("conv = [{ stride = 65 }]") ==
          at(5, 20) + "'a.conv[0].stride' must be between 1 and 64");
  REQUIRE(errorOf("conv = [{ padding = -1 }]") ==
          at(5, 21) + "'a.conv[0].padding' must be between 0 and 64");
  REQUIRE(errorOf("conv = [{ padding = 65 }]") ==
          at(5, 21) + "'a.conv[0].padding' must be between 0 and 64");
  REQUIRE(errorOf("conv = [{ pool = 1 }]") ==
          at(5, 18) + "'a.conv[0].pool' must be 0 (no pooling) or between 2 "
                      "and 64");
  REQUIRE(errorOf("conv = [{ pool = 65 }]") ==
          at(5, 18) + "'a.conv[0].pool' must be 0 (no pooling) or between 2 "
                      "and 64");
  REQUIRE(errorOf("conv = [{ pool = -2 }]") ==
          at(5, 18) + "'a.conv[0].pool' must be 0 (no pooling) or between 2 "
                      "and 64");
  REQUIRE(errorOf("conv = [{ pool = true }]") ==
          at(5, 18) + "'a.conv[0].pool' must be an integer");
  REQUIRE(errorOf("conv = [{ pool_kind = \"min\" }]") ==
          at(5, 23) + "'a.conv[0].pool_kind' must be \"max\" or \"avg\"");
  REQUIRE(errorOf("conv = [{ pool_kind = 1 }]") ==
          at(5, 23) + "'a.conv[0].pool_kind' must be a string");
  // Per expert, in the expert's words.
  REQUIRE(errorOf(shape + "[a.expert_3]\nconv = [{}, { kernel = 0 }]") ==
          at(7, 24) + "'a.expert_3.conv[1].kernel' must be between 1 and 64");
}

TEST_CASE("a convolutional front needs an input shape that it fits",
          "[train][config]") {
  const std::string needs =
      ".conv' needs the global 'input_shape' ([C, L] or [C, H, W]) of the "
      "inputs it convolves";
  // No input shape: at the conv key's value, for the configuration or the
  // expert that sets it.
  REQUIRE(errorOf("conv = [{}]") == at(5, 8) + "'a" + needs);
  REQUIRE(errorOf("[a.expert_1]\nhidden = [4]\n[a.expert_2]\nconv = [{}]") ==
          at(8, 8) + "'a.expert_2" + needs);
  // A kernel larger than the padded input, at the layer's table.
  REQUIRE(errorOf("input_shape = [1, 4]\nconv = [{ kernel = 5 }]") ==
          at(6, 9) + "'a.conv' layer 0: kernel 5 does not fit the spatial "
                     "size [4] with padding 0");
  REQUIRE(errorOf("input_shape = [1, 4]\n"
                  "conv = [{ kernel = 7, padding = 1 }]") ==
          at(6, 9) + "'a.conv' layer 0: kernel 7 does not fit the spatial "
                     "size [4] with padding 1");
  // In any spatial dimension.
  REQUIRE(errorOf("input_shape = [2, 16, 2]\nconv = [{}]") ==
          at(6, 9) + "'a.conv' layer 0: kernel 3 does not fit the spatial "
                     "size [16, 2] with padding 0");
  // The sizes after earlier layers: 8 -> 6 -> kernel 7.
  REQUIRE(errorOf("input_shape = [1, 8, 8]\n"
                  "conv = [{ kernel = 3 },\n"
                  "        { kernel = 7 }]") ==
          at(7, 9) + "'a.conv' layer 1: kernel 7 does not fit the spatial "
                     "size [6, 6] with padding 0");
  // Strides and pooling: (8 - 3) / 2 + 1 = 3, then 3 / 2 = 1; 1 + 2 - 3
  // fits, but a window of 2 pools it to 0.
  REQUIRE(errorOf("input_shape = [1, 8]\n"
                  "conv = [{ stride = 2, pool = 2 }, "
                  "{ padding = 1, pool = 2 }]") ==
          at(6, 35) + "'a.conv' layer 1: pooling 2 makes the spatial size "
                      "[1] empty");
  REQUIRE(errorOf("input_shape = [1, 8, 8]\n"
                  "conv = [{ kernel = 3, stride = 2, pool = 4 }]") ==
          at(6, 9) + "'a.conv' layer 0: pooling 4 makes the spatial size "
                     "[3, 3] empty");
  // An expert's own front, named by its expert.
  REQUIRE(errorOf("input_shape = [1, 8]\nconv = [{}]\n"
                  "[a.expert_2]\nconv = [{}, { kernel = 9 }]") ==
          at(8, 13) + "'a.expert_2.conv' layer 1: kernel 9 does not fit the "
                      "spatial size [6] with padding 0");
}

TEST_CASE("conv is inherited through extends and overridden per expert",
          "[train][config]") {
  const std::string text = R"([base]
data = "events.csv"
inputs = ["c*"]
targets = ["t"]
input_shape = [2, 16, 16]
conv = [{ channels = 4, kernel = 3, pool = 2 }]

[base.expert_1]
conv = []

[child]
extends = "base"
hidden = [16]

[child.expert_2]
conv = [{ channels = 16, kernel = 5, stride = 2, padding = 2, pool = 2, pool_kind = "avg" },
        { channels = 8 }]

[flat]
extends = "child"
conv = []

[tiny]
extends = "child"
input_shape = [2, 4, 4]
)";
  std::string path = writeScratch("conv_inherit.toml", text);
  TrainConfig config;
  std::string error;
  REQUIRE(loadConfig(path, "child", config, error));
  CHECK(config.inputShape == std::vector<int>{2, 16, 16});
  REQUIRE(config.defaults.conv.size() == 1);
  CHECK(convText(config.defaults.conv[0]) == convLayer(4, 3, 1, 0, 2, true));
  CHECK(config.defaults.hidden == std::vector<int>{16});
  CHECK(config.forExpert(0).conv.size() == 1);
  CHECK(config.forExpert(1).conv.empty());
  CHECK(config.forExpert(1).hidden == std::vector<int>{16});
  const Hyperparameters &two = config.forExpert(2);
  REQUIRE(two.conv.size() == 2);
  CHECK(convText(two.conv[0]) == convLayer(16, 5, 2, 2, 2, false));
  CHECK(convText(two.conv[1]) == convLayer(8, 3, 1, 0, 0, true));

  // A child's conv replaces the whole front; expert tables keep theirs.
  REQUIRE(loadConfig(path, "flat", config, error));
  CHECK(config.defaults.conv.empty());
  CHECK(config.forExpert(1).conv.empty());
  CHECK(config.forExpert(2).conv.size() == 2);

  // A smaller input shape than the inherited fronts were written for:
  // 4 -> 2 -> 1 by the default front; (4 + 4 - 5) / 2 + 1 = 2 -> 1, then
  // kernel 3 does not fit expert 2's. The error names the configuration
  // loaded and points to the layer where child wrote it.
  REQUIRE_FALSE(loadConfig(path, "tiny", config, error));
  REQUIRE(error == path + ":17:9: 'tiny.expert_2.conv' layer 1: kernel 3 does "
                          "not fit the spatial size [1, 1] with padding 0");
}

TEST_CASE("a convolutional front loads back to itself", "[train][config]") {
  std::string path = writeScratch("conv_roundtrip.toml", R"([a]
data = "events.csv"
inputs = ["c*"]
targets = ["t"]
expert_column = "e"
input_shape = [3, 12, 10]
conv = [{ channels = 6, kernel = 3, padding = 1, pool = 2 },
        { channels = 12, kernel = 2, stride = 2, pool = 2, pool_kind = "avg" }]

[a.expert_4]
conv = [{ kernel = 5 }]

[a.expert_5]
conv = []
)");
  TrainConfig config;
  std::string error;
  REQUIRE(loadConfig(path, "a", config, error));
  std::string first = config.toToml();
  CHECK(first.find("input_shape = [3, 12, 10]\n") != std::string::npos);
  CHECK(first.find("conv = [\n"
                   "  { channels = 6, kernel = 3, stride = 1, padding = 1, "
                   "pool = 2, pool_kind = \"max\" },\n"
                   "  { channels = 12, kernel = 2, stride = 2, padding = 0, "
                   "pool = 2, pool_kind = \"avg\" },\n"
                   "]\n") != std::string::npos);
  CHECK(first.find("conv = []\n") != std::string::npos);
  std::string saved = writeScratch("conv_roundtrip_saved.toml", first);
  TrainConfig again;
  REQUIRE(loadConfig(saved, "a", again, error));
  CHECK(again.inputShape == config.inputShape);
  CHECK(again.defaults.conv.size() == 2);
  CHECK(convText(again.defaults.conv) == convText(config.defaults.conv));
  for (int expert : {0, 4, 5})
    CHECK(convText(again.forExpert(expert).conv) ==
          convText(config.forExpert(expert).conv));
  CHECK(again.forExpert(4).conv.size() == 1);
  CHECK(again.forExpert(5).conv.empty());
  std::string second = again.toToml();
  CHECK(first.substr(first.find('\n')) == second.substr(second.find('\n')));
}
