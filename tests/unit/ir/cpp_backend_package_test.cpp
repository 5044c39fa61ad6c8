//===- cpp_backend_package_test.cpp - the generated package as a whole ----===//
//
// The package's own CMakeLists, the C API, report.json, and the test
// bench's handling of malformed input.
//
//===----------------------------------------------------------------------===//
#include "cpp_backend_test_util.h"

#include "llvm/Support/JSON.h"

using namespace cpptest;

namespace {

std::string smallMlp() {
  std::vector<float> w1 = randomFloats(4 * 3, 1), b1 = randomFloats(4, 2);
  std::vector<float> w2 = randomFloats(2 * 4, 3);
  return R"(
func.func @tiny(%x: tensor<?x3xf32> {nn.name = "hits"}) -> (tensor<?x2xf32> {nn.name = "score"}) {
  %h = nn.dense %x {weight = )" +
         denseLiteral(w1, {4, 3}) + ", bias = " + denseLiteral(b1, {4}) +
         R"(, activation = #nn<act relu>} : (tensor<?x3xf32>) -> tensor<?x4xf32> loc("hidden")
  %y = nn.dense %h {weight = )" +
         denseLiteral(w2, {2, 4}) +
         R"(} : (tensor<?x4xf32>) -> tensor<?x2xf32> loc("out")
  %s = nn.softmax %y {axis = 1 : i64} : tensor<?x2xf32> loc("prob")
  return %s : tensor<?x2xf32>
}
)";
}

bool exists(const std::string &path) { return llvm::sys::fs::exists(path); }

} // namespace

TEST_CASE("cpp backend: the package layout", "[cpp-backend]") {
  Package pkg(smallMlp());
  pkg.build();
  for (const char *file :
       {"tiny.h", "tiny.cpp", "CMakeLists.txt", "tb.cpp", "README.md",
        "report.json", "ariadne/ariadne.h", "ariadne/dense.h",
        "ariadne/fastmath.h", "ariadne/platform.h"}) {
    INFO(file);
    CHECK(exists(pkg.file(file)));
  }
  std::string header = readFile(pkg.file("tiny.h"));
  CHECK(header.find("void tiny(const float *in, float *out);") !=
        std::string::npos);
  CHECK(
      header.find("void tiny_batch(const float *in, float *out, size_t n);") !=
      std::string::npos);
  CHECK(header.find("extern \"C\" {") != std::string::npos);
  CHECK(header.find("in[0, 3)  input 0 'hits': float[3]") != std::string::npos);
  CHECK(header.find("out[0, 2)  output 0 'score': float[2]") !=
        std::string::npos);
  std::string readme = readFile(pkg.file("README.md"));
  CHECK(readme.find("| `hidden` | `nn.dense` | `float[4]` | 12 | 16 |") !=
        std::string::npos);
  CHECK(readme.find('@') == std::string::npos);
}

TEST_CASE("cpp backend: the package builds with its own CMakeLists",
          "[cpp-backend]") {
  Package pkg(smallMlp());
  pkg.build();
  std::string output;
  std::string build = pkg.file("build");
  std::string command = "cmake -S " + pkg.dir.path + " -B " + build +
                        " -DCMAKE_BUILD_TYPE=Release && cmake --build " + build;
  int status = runCommand(command, output);
  INFO(command << "\n" << output);
  REQUIRE(status == 0);
  REQUIRE(exists(build + "/libtiny.a"));
  REQUIRE(exists(build + "/tb"));
  // The CMake-built bench agrees with the directly compiled one.
  std::vector<float> in = randomFloats(50 * 3, 4, -3, 3);
  std::vector<float> direct = pkg.run(in, 3);
  pkg.tb = build + "/tb";
  std::vector<float> viaCMake = pkg.run(in, 3);
  REQUIRE(viaCMake.size() == direct.size());
  // The CMake build uses -march=native (FMA, wider vectors): float results
  // agree within validate's tolerance, not bit for bit.
  for (size_t i = 0; i < direct.size(); ++i)
    CHECK(std::fabs(viaCMake[i] - direct[i]) <=
          1e-5f + 1e-5f * std::fabs(direct[i]));
}

TEST_CASE("cpp backend: the header is usable from C", "[cpp-backend]") {
  Package pkg(smallMlp());
  pkg.build();
  std::ofstream(pkg.file("main.c")) << R"(#include "tiny.h"
#include <stdio.h>
int main(void) {
  float in[2 * tiny_INPUT_SIZE] = {1, 2, 3, -1, 0.5f, 2};
  float one[tiny_OUTPUT_SIZE], both[2 * tiny_OUTPUT_SIZE];
  int shape[] = tiny_IN0_SHAPE;
  tiny(in, one);
  tiny_batch(in, both, 2);
  printf("%d %d %.9g %.9g\n", shape[0], tiny_OUT0_SIZE,
         (double)(one[0] + one[1]), (double)(both[0] - one[0]));
  return 0;
}
)";
  std::string output;
  std::string command =
      "cc -std=c99 -Wall -Wextra -Werror -c " + pkg.file("main.c") + " -o " +
      pkg.file("main.o") + " && " + compiler() + " -std=c++17 -O1 -I" +
      pkg.dir.path + " " + pkg.file("main.o") + " " + pkg.file("tiny.cpp") +
      " -o " + pkg.file("main") + " && " + pkg.file("main");
  int status = runCommand(command, output);
  INFO(command << "\n" << output);
  REQUIRE(status == 0);
  float shape0 = 0, size = 0, sum = 0, difference = 1;
  REQUIRE(std::sscanf(output.c_str(), "%f %f %f %f", &shape0, &size, &sum,
                      &difference) == 4);
  CHECK(shape0 == 3);
  CHECK(size == 2);
  CHECK(std::fabs(sum - 1.0f) < 1e-6f); // a softmax
  // Exact: two events run the same per-event code as one (the lane tiles
  // start at 8 events; with more, the tiled path may differ in the last bit).
  CHECK(difference == 0.0f);
}

TEST_CASE("cpp backend: report.json describes every layer", "[cpp-backend]") {
  Package pkg(smallMlp());
  pkg.build();
  auto parsed = llvm::json::parse(readFile(pkg.file("report.json")));
  REQUIRE(bool(parsed));
  llvm::json::Object *report = parsed->getAsObject();
  REQUIRE(report);
  CHECK(report->getString("kernel") == "tiny");
  CHECK(report->getString("precision") == "float");
  CHECK(report->getString("batch") == "dynamic");
  llvm::json::Array *layers = report->getArray("layers");
  REQUIRE(layers);
  REQUIRE(layers->size() == 3);
  llvm::json::Object *hidden = (*layers)[0].getAsObject();
  CHECK(hidden->getString("name") == "hidden");
  CHECK(hidden->getString("op") == "nn.dense");
  CHECK(hidden->getInteger("macs") == 12);
  CHECK(hidden->getInteger("params") == 16);
  CHECK(hidden->getObject("types")->getString("weight") == "float");
  // Weights padded to 16 outputs: 3 rows and a bias of 16 floats.
  CHECK(hidden->getObject("resources")->getInteger("weight_bytes") ==
        4 * (3 * 16 + 16));
  CHECK(hidden->getObject("latency")->getInteger("vector_ops") > 0);
  llvm::json::Array *shapes = hidden->getArray("output_shapes");
  REQUIRE(shapes);
  CHECK((*shapes)[0].getAsArray()->front().getAsInteger() == 4);
  CHECK((*layers)[1].getAsObject()->getInteger("macs") == 8);
  CHECK((*layers)[2].getAsObject()->getString("op") == "nn.softmax");
  llvm::json::Object *totals = report->getObject("totals");
  REQUIRE(totals);
  CHECK(totals->getInteger("macs") == 20);
  CHECK(totals->getInteger("params") == 24);
}

TEST_CASE("cpp backend: the test bench rejects malformed rows",
          "[cpp-backend]") {
  Package pkg(smallMlp());
  pkg.build();
  auto runWith = [&](const std::string &csv, std::string &output) {
    std::ofstream(pkg.file("bad.csv")) << csv;
    return runCommand(pkg.tb + " " + pkg.file("bad.csv") + " " +
                          pkg.file("bad-out.csv"),
                      output);
  };
  std::string output;
  // The layout `ariadnec emulate` reads: a '#' header and blank lines
  // before the events, blank lines after them, nothing in between.
  CHECK(runWith("\xEF\xBB\xBF# a header\n\n1,2,3\n4,5,6\n\n", output) == 0);
  CHECK(readFile(pkg.file("bad-out.csv")).size() > 0);

  CHECK(runWith("1,2,3\n\n4,5,6\n", output) != 0);
  CHECK(output.find("bad.csv:2: empty line between events") !=
        std::string::npos);

  CHECK(runWith("1,2,3\n# late header\n", output) != 0);
  CHECK(output.find("bad.csv:2: '#' line after the first event") !=
        std::string::npos);

  CHECK(runWith("1,2,3\n1,2\n", output) != 0);
  CHECK(output.find("bad.csv:2: expected 3 values, found 2") !=
        std::string::npos);

  CHECK(runWith("x,y,z\n1,2,3\n", output) != 0);
  CHECK(output.find("bad.csv:1: 'x' is not a number") != std::string::npos);

  CHECK(runWith("1,2,3,\n", output) != 0);
  CHECK(output.find("bad.csv:1:") != std::string::npos);

  CHECK(runCommand(pkg.tb + " " + pkg.file("missing.csv") + " " +
                       pkg.file("o.csv"),
                   output) != 0);
  CHECK(output.find("missing.csv: cannot open") != std::string::npos);
  CHECK(runCommand(pkg.tb, output) != 0);
  CHECK(output.find("usage") != std::string::npos);
}
