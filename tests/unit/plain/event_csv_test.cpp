//===- event_csv_test.cpp - event CSV reading and writing -----------------===//
#include "emulator/EventCsv.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <unistd.h>

using namespace ariadne;

namespace {

/// A file in the temporary directory, removed at the end of the test.
class TempFile {
public:
  explicit TempFile(const std::string &content = "") {
    static int counter = 0;
    path = "/tmp/ariadne-csv-" + std::to_string(getpid()) + "-" +
           std::to_string(counter++) + ".csv";
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Reads `content` and returns the error, failing the test if it reads.
std::string readError(const std::string &content, size_t width = 0) {
  TempFile file(content);
  EventTable table;
  std::string error;
  if (readEventCsv(file.path, width, table, error))
    FAIL("read succeeded on:\n" << content);
  return error.substr(file.path.size()); // drop the (random) path
}

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

} // namespace

TEST_CASE("random floats round-trip bit for bit", "[csv]") {
  const size_t rows = 2000, width = 7;
  std::mt19937 gen(7);
  std::vector<float> values(rows * width);
  for (float &v : values) {
    // Random bit patterns cover every exponent, subnormals included.
    uint32_t bits;
    do {
      bits = uint32_t(gen());
      std::memcpy(&v, &bits, 4);
    } while (!std::isfinite(v));
  }
  const float specials[] = {0.0f,
                            -0.0f,
                            1.0f,
                            0.1f,
                            std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::lowest(),
                            std::numeric_limits<float>::min(),
                            std::numeric_limits<float>::denorm_min(),
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity()};
  std::copy(std::begin(specials), std::end(specials), values.begin());

  TempFile file;
  std::string error;
  REQUIRE(writeEventCsv(file.path, values.data(), rows, width, error));
  EventTable table;
  REQUIRE(readEventCsv(file.path, width, table, error));
  REQUIRE(table.width == width);
  REQUIRE(table.rows() == rows);
  for (size_t i = 0; i < values.size(); ++i) {
    INFO("value " << i);
    REQUIRE(bitsOf(float(table.values[i])) == bitsOf(values[i]));
  }
}

TEST_CASE("NaN is written and read back as NaN", "[csv]") {
  float values[] = {std::nanf(""), 1.5f};
  TempFile file;
  std::string error;
  REQUIRE(writeEventCsv(file.path, values, 1, 2, error));
  CHECK(slurp(file.path) == "nan,1.5\n");
  EventTable table;
  REQUIRE(readEventCsv(file.path, 2, table, error));
  CHECK(std::isnan(table.values[0]));
  CHECK(table.values[1] == 1.5);
}

TEST_CASE("the written layout is one row per line, comma separated", "[csv]") {
  float values[] = {1, -2.5f, 0.1f, 1e-7f, 3e20f, 0};
  TempFile file;
  std::string error;
  REQUIRE(writeEventCsv(file.path, values, 2, 3, error));
  CHECK(slurp(file.path) == "1,-2.5,0.1\n1e-07,3e+20,0\n");
}

TEST_CASE("headers, whitespace and number spellings are accepted", "[csv]") {
  TempFile file("# x0, x1, x2\n"
                "#second header line\n"
                "  1.5 , -2,\t3e2 \r\n"
                "+4, 5.E-1 ,  -0.25e+1\n"
                "inf,-Infinity, NaN\n"
                ".5,1e400,-nan\n"
                "\n"
                "   \n");
  EventTable table;
  std::string error;
  REQUIRE(readEventCsv(file.path, 0, table, error));
  REQUIRE(table.width == 3);
  REQUIRE(table.rows() == 4);
  const std::vector<double> &v = table.values;
  CHECK(v[0] == 1.5);
  CHECK(v[1] == -2);
  CHECK(v[2] == 300);
  CHECK(v[3] == 4);
  CHECK(v[4] == 0.5);
  CHECK(v[5] == -2.5);
  CHECK(v[6] == std::numeric_limits<double>::infinity());
  CHECK(v[7] == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(v[8]));
  CHECK(v[9] == 0.5);
  CHECK(v[10] == std::numeric_limits<double>::infinity()); // beyond double
  CHECK(std::isnan(v[11]));
  CHECK(table.row(1)[2] == -2.5);
}

TEST_CASE("a file without a final newline or without rows", "[csv]") {
  EventTable table;
  std::string error;
  TempFile noNewline("1,2\n3,4");
  REQUIRE(readEventCsv(noNewline.path, 2, table, error));
  CHECK(table.values == std::vector<double>{1, 2, 3, 4});

  TempFile onlyHeader("# a,b\n");
  REQUIRE(readEventCsv(onlyHeader.path, 2, table, error));
  CHECK(table.rows() == 0);
  CHECK(table.width == 2);

  TempFile empty("");
  REQUIRE(readEventCsv(empty.path, 0, table, error));
  CHECK(table.rows() == 0);
}

TEST_CASE("a byte order mark before the first line is skipped", "[csv]") {
  TempFile file("\xEF\xBB\xBF# a\n1\n");
  EventTable table;
  std::string error;
  REQUIRE(readEventCsv(file.path, 1, table, error));
  CHECK(table.values == std::vector<double>{1});
}

TEST_CASE("lines longer than the read buffer", "[csv]") {
  const size_t width = 300000; // about 2 MB on one line
  std::string line;
  for (size_t i = 0; i < width; ++i)
    line += (i ? "," : "") + std::to_string(i % 1000);
  TempFile file(line + "\n" + line + "\n");
  EventTable table;
  std::string error;
  REQUIRE(readEventCsv(file.path, width, table, error));
  REQUIRE(table.rows() == 2);
  CHECK(table.row(1)[width - 1] == double((width - 1) % 1000));
}

TEST_CASE("wrong widths are reported with file and line", "[csv]") {
  CHECK(readError("1,2,3\n4,5\n") == ":2: expected 3 values, found 2");
  CHECK(readError("# h\n1,2,3\n", 2) == ":2: expected 2 values, found 3");
  CHECK(readError("1,2\n3,4,\n", 2) == ":2: expected 2 values, found 3");
}

TEST_CASE("cells that are not numbers are reported", "[csv]") {
  CHECK(readError("1,abc\n") == ":1: value 2 ('abc') is not a number");
  CHECK(readError("1,2\n3,\n") == ":2: value 2 ('') is not a number");
  CHECK(readError("1.5x\n") == ":1: value 1 ('1.5x') is not a number");
  CHECK(readError("0x10\n") == ":1: value 1 ('0x10') is not a number");
  CHECK(readError("1 2,3\n") == ":1: value 1 ('1 2') is not a number");
  CHECK(readError("1e,3\n") == ":1: value 1 ('1e') is not a number");
  CHECK(readError("+,3\n") == ":1: value 1 ('+') is not a number");
  CHECK(readError("1;2\n") == ":1: value 1 ('1;2') is not a number");
}

TEST_CASE("a NUL or control byte in a cell is shown escaped, not cutting "
          "the message",
          "[csv]") {
  std::string error = readError(std::string("1,2\0x,3\n", 8));
  CHECK(error == ":1: value 2 ('2\\x00x') is not a number");
  CHECK(error.find('\0') == std::string::npos);
  CHECK(readError("1,\x01\xff\n") ==
        ":1: value 2 ('\\x01\\xff') is not a number");
}

TEST_CASE("a header after the data and gaps in the data are errors", "[csv]") {
  CHECK(readError("1,2\n# late\n3,4\n") ==
        ":2: '#' line after the first event; a header must come before the "
        "data");
  CHECK(readError("1,2\n\n3,4\n") == ":2: empty line between events");
}

TEST_CASE("files that cannot be opened", "[csv]") {
  EventTable table;
  std::string error;
  CHECK_FALSE(readEventCsv("/nonexistent/dir/in.csv", 0, table, error));
  CHECK(error == "/nonexistent/dir/in.csv: cannot open: No such file or "
                 "directory");
  float v = 1;
  CHECK_FALSE(writeEventCsv("/nonexistent/dir/out.csv", &v, 1, 1, error));
  CHECK(error == "/nonexistent/dir/out.csv: cannot open for writing: No such "
                 "file or directory");
}

TEST_CASE("a failing write is reported", "[csv]") {
  // /dev/full accepts the open and fails every write.
  if (access("/dev/full", W_OK) != 0)
    return;
  std::vector<float> values(1 << 18, 1.25f);
  std::string error;
  CHECK_FALSE(
      writeEventCsv("/dev/full", values.data(), values.size(), 1, error));
  CHECK(error == "/dev/full: write failed: No space left on device");
}
