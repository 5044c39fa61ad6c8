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
