//===- Template.cpp - named-slot file templates ---------------------------===//
#include "backends/common/Template.h"

#include <set>

namespace ariadne {

static bool isSlotStart(char c) { return c >= 'A' && c <= 'Z'; }

static bool isSlotChar(char c) {
  return isSlotStart(c) || (c >= '0' && c <= '9') || c == '_';
}

/// The length of the slot name starting at `begin` (just after an `@`) when
/// it is followed by the closing `@`, else 0.
static size_t slotNameLength(const std::string &text, size_t begin) {
  if (begin >= text.size() || !isSlotStart(text[begin]))
    return 0;
  size_t end = begin + 1;
  while (end < text.size() && isSlotChar(text[end]))
    ++end;
  return end < text.size() && text[end] == '@' ? end - begin : 0;
}

bool fillTemplate(const std::string &templateName, const std::string &text,
                  const TemplateSlots &slots, std::string &result,
                  std::string &error) {
  std::string out;
  out.reserve(text.size());
  std::set<std::string> used;
  size_t line = 1;
  size_t pos = 0;
  while (pos < text.size()) {
    char c = text[pos];
    size_t length = c == '@' ? slotNameLength(text, pos + 1) : 0;
    if (length == 0) {
      line += c == '\n';
      out += c;
      ++pos;
      continue;
    }
    std::string name = text.substr(pos + 1, length);
    auto it = slots.find(name);
    if (it == slots.end()) {
      error = templateName + ":" + std::to_string(line) + ": slot @" + name +
              "@ has no value";
      return false;
    }
    used.insert(name);
    out += it->second;
    pos += length + 2;
  }
  for (const auto &slot : slots)
    if (!used.count(slot.first)) {
      error = templateName + ": a value is given for '" + slot.first +
              "', which is no slot of the template";
      return false;
    }
  result = std::move(out);
  return true;
}

} // namespace ariadne
