//===- Arguments.h - the example programs' number arguments -----*- C++ -*-===//
#ifndef ARIADNE_EXAMPLES_COMMON_ARGUMENTS_H
#define ARIADNE_EXAMPLES_COMMON_ARGUMENTS_H

#include <cerrno>
#include <cstdio>
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

/// The arguments of a simulation that takes `-n EVENTS` (1 to
/// `maxEvents`), `-s SEED` and `-o FILE`. Returns -1 to go on, or the exit
/// status: 0 after printing `usage` for -h, 2 after a one-line error
/// naming `tool`.
inline int parseSimArguments(int argc, char **argv, const char *tool,
                             const char *usage, unsigned long long maxEvents,
                             unsigned long long &events,
                             unsigned long long &seed, std::string &output) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::printf("%s\n", usage);
      return 0;
    }
    if (arg != "-n" && arg != "-s" && arg != "-o") {
      std::fprintf(stderr, "%s: error: unknown argument '%s' (%s)\n", tool,
                   arg.c_str(), usage);
      return 2;
    }
    if (i + 1 == argc) {
      std::fprintf(stderr, "%s: error: %s needs a value\n", tool, arg.c_str());
      return 2;
    }
    std::string value = argv[++i];
    if (arg == "-o") {
      if (value.empty()) {
        std::fprintf(stderr, "%s: error: -o needs a file name\n", tool);
        return 2;
      }
      output = value;
      continue;
    }
    unsigned long long number = 0;
    bool count = arg == "-n";
    if (!parseNumber(value, count ? 1 : 0, count ? maxEvents : ~0ULL, number)) {
      std::fprintf(stderr, "%s: error: %s needs a whole number%s, not '%s'\n",
                   tool, arg.c_str(),
                   count ? (" from 1 to " + std::to_string(maxEvents)).c_str()
                         : "",
                   value.c_str());
      return 2;
    }
    (count ? events : seed) = number;
  }
  return -1;
}

} // namespace ariadne::examples

#endif // ARIADNE_EXAMPLES_COMMON_ARGUMENTS_H
