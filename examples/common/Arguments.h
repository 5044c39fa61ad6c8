//===- Arguments.h - the example programs' number arguments -----*- C++ -*-===//
#ifndef ARIADNE_EXAMPLES_COMMON_ARGUMENTS_H
#define ARIADNE_EXAMPLES_COMMON_ARGUMENTS_H

#include <cerrno>
#include <cstdlib>
#include <string>

namespace ariadne::examples {

/// Parses a decimal number without sign into `number`; false when `text`
/// is not one or is outside [min, max].
inline bool parseNumber(const std::string &text, unsigned long long min,
                        unsigned long long max, unsigned long long &number) {
  if (text.empty() || text[0] < '0' || text[0] > '9')
    return false;
  char *end = nullptr;
  errno = 0;
  number = std::strtoull(text.c_str(), &end, 10);
  return *end == '\0' && errno == 0 && number >= min && number <= max;
}

} // namespace ariadne::examples

#endif // ARIADNE_EXAMPLES_COMMON_ARGUMENTS_H
