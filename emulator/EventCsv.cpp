//===- EventCsv.cpp - event CSV files -------------------------------------===//
//
// Event files reach millions of rows, so lines are cut from a block buffer
// and numbers parsed with std::from_chars, which is locale independent and
// needs no NUL terminator.
//
//===----------------------------------------------------------------------===//
#include "emulator/EventCsv.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

using namespace ariadne;

namespace {

struct FileCloser {
  void operator()(FILE *f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

/// Hands out the lines of a file without their '\n', reading in blocks.
class LineReader {
public:
  explicit LineReader(FILE *file) : file(file), buffer(1 << 20) {}

  /// Returns false at the end of the file or on a read error (see failed()).
  bool next(std::string_view &line) {
    while (true) {
      const char *start = buffer.data() + begin;
      if (const void *nl = std::memchr(start, '\n', end - begin)) {
        size_t length = static_cast<const char *>(nl) - start;
        line = std::string_view(start, length);
        begin += length + 1;
        return true;
      }
      if (atEof) {
        if (begin == end)
          return false;
        line = std::string_view(start, end - begin);
        begin = end;
        return true;
      }
      refill();
    }
  }

  bool failed() const { return readError; }

private:
  void refill() {
    // Keep the partial line, and make room for a line longer than the buffer.
    std::memmove(buffer.data(), buffer.data() + begin, end - begin);
    end -= begin;
    begin = 0;
    if (end == buffer.size())
      buffer.resize(buffer.size() * 2);
    size_t got = std::fread(buffer.data() + end, 1, buffer.size() - end, file);
    end += got;
    if (got == 0) {
      atEof = true;
      readError = std::ferror(file) != 0;
    }
  }

  FILE *file;
  std::vector<char> buffer;
  size_t begin = 0, end = 0;
  bool atEof = false, readError = false;
};

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && isBlank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && isBlank(s.back()))
    s.remove_suffix(1);
  return s;
}

/// Parses one cell (already trimmed) as a number; false if it is not one.
/// The value is rounded once from the decimal text to float32, the kernels'
/// input type, exactly as the generated test bench's strtof does: parsing to
/// double first and narrowing would round twice and could differ in the
/// last bit.
bool parseNumber(std::string_view cell, double &value) {
  const char *first = cell.data(), *last = cell.data() + cell.size();
  // from_chars rejects an explicit '+', which printf-style writers emit.
  if (first != last && *first == '+' && last - first > 1 && first[1] != '-')
    ++first;
  float number = 0;
  auto [ptr, ec] = std::from_chars(first, last, number);
  if (ptr != last || first == last)
    return false;
  if (ec == std::errc::result_out_of_range) {
    // Beyond float's range: take the IEEE result (infinity or zero), as
    // strtof gives it, rather than refusing the file.
    std::string copy(first, last);
    number = std::strtof(copy.c_str(), nullptr);
  } else if (ec != std::errc()) {
    return false;
  }
  value = number;
  return true;
}

/// A cell as it may appear in a one-line message: control and non-ASCII
/// bytes (a NUL would cut the message) as \xNN, at most 40 characters.
std::string printable(std::string_view cell) {
  std::string text;
  for (unsigned char c : cell.substr(0, 40)) {
    if (c >= 0x20 && c < 0x7f) {
      text += char(c);
    } else {
      static const char hex[] = "0123456789abcdef";
      text += "\\x";
      text += hex[c >> 4];
      text += hex[c & 15];
    }
  }
  if (cell.size() > 40)
    text += "...";
  return text;
}

std::string lineError(const std::string &path, size_t line,
                      const std::string &reason) {
  return path + ":" + std::to_string(line) + ": " + reason;
}

} // namespace

bool ariadne::readEventCsv(const std::string &path, size_t expectedWidth,
                           EventTable &table, std::string &error) {
  table.width = expectedWidth;
  table.values.clear();
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  LineReader reader(file.get());
  std::string_view line;
  size_t lineNo = 0;
  size_t blankAfterData = 0; // first blank line since the data began
  bool seenData = false;
  while (reader.next(line)) {
    ++lineNo;
    if (lineNo == 1 && line.substr(0, 3) == "\xEF\xBB\xBF")
      line.remove_prefix(3); // UTF-8 byte order mark of spreadsheet exports
    std::string_view content = trim(line);
    if (content.empty()) {
      if (seenData && !blankAfterData)
        blankAfterData = lineNo;
      continue;
    }
    if (content.front() == '#') {
      if (seenData) {
        error = lineError(path, lineNo,
                          "'#' line after the first event; a header must "
                          "come before the data");
        return false;
      }
      continue;
    }
    if (blankAfterData) {
      error = lineError(path, blankAfterData, "empty line between events");
      return false;
    }
    size_t width = 1 + std::count(content.begin(), content.end(), ',');
    if (!seenData && table.width == 0)
      table.width = width;
    seenData = true;
    if (width != table.width) {
      error = lineError(path, lineNo,
                        "expected " + std::to_string(table.width) +
                            " values, found " + std::to_string(width));
      return false;
    }
    size_t base = table.values.size();
    table.values.resize(base + width);
    double *out = table.values.data() + base;
    for (size_t i = 0; i < width; ++i) {
      size_t comma = std::min(content.find(','), content.size());
      std::string_view cell = trim(content.substr(0, comma));
      if (!parseNumber(cell, out[i])) {
        error = lineError(path, lineNo,
                          "value " + std::to_string(i + 1) + " ('" +
                              printable(cell) + "') is not a number");
        return false;
      }
      content.remove_prefix(std::min(comma + 1, content.size()));
    }
  }
  if (reader.failed()) {
    error = path + ": read failed: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ariadne::writeEventCsv(const std::string &path, const float *data,
                            size_t rows, size_t width, std::string &error) {
  FilePtr file(std::fopen(path.c_str(), "wb"));
  if (!file) {
    error = path + ": cannot open for writing: " + std::strerror(errno);
    return false;
  }
  // std::to_chars without a precision prints the shortest text that reads
  // back to the same float, so values round-trip bit for bit.
  constexpr size_t kBlock = 1 << 20, kMaxValue = 32;
  std::vector<char> buffer(kBlock + kMaxValue);
  size_t used = 0;
  auto flush = [&]() {
    bool ok = std::fwrite(buffer.data(), 1, used, file.get()) == used;
    used = 0;
    return ok;
  };
  bool ok = true;
  for (size_t r = 0; r < rows && ok; ++r) {
    const float *row = data + r * width;
    for (size_t i = 0; i < width && ok; ++i) {
      if (used >= kBlock)
        ok = flush();
      char *pos = buffer.data() + used;
      if (i)
        *pos++ = ',';
      pos = std::to_chars(pos, buffer.data() + buffer.size(), row[i]).ptr;
      used = pos - buffer.data();
    }
    if (used >= kBlock)
      ok = ok && flush();
    buffer[used++] = '\n';
  }
  ok = ok && flush() && !std::ferror(file.get());
  ok = std::fclose(file.release()) == 0 && ok;
  if (!ok) {
    error = path + ": write failed: " + std::strerror(errno);
    return false;
  }
  return true;
}
