//===- torch_test_util.h - helpers of the training unit tests --*- C++ -*-===//
#ifndef ARIADNE_TESTS_UNIT_TORCH_TEST_UTIL_H
#define ARIADNE_TESTS_UNIT_TORCH_TEST_UTIL_H

#include <filesystem>
#include <fstream>
#include <string>

namespace ariadne::test {

/// Writes `text` to a fresh file `name` in the tests' scratch folder and
/// returns its path.
inline std::string writeScratch(const std::string &name,
                                const std::string &text) {
  std::filesystem::path folder = ARIADNE_TORCH_TEST_SCRATCH;
  std::filesystem::create_directories(folder);
  std::filesystem::path path = folder / name;
  std::ofstream(path) << text;
  return path.string();
}

} // namespace ariadne::test

#endif // ARIADNE_TESTS_UNIT_TORCH_TEST_UTIL_H
