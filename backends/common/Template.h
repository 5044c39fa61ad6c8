//===- Template.h - named-slot file templates -------------------*- C++ -*-===//
//
// The one substitution every backend uses to fill the skeletons under
// templates/: a slot is `@NAME@` (NAME in [A-Z][A-Z0-9_]*) and is replaced
// by its value verbatim. Any other `@` is literal text.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_COMMON_TEMPLATE_H
#define ARIADNE_BACKENDS_COMMON_TEMPLATE_H

#include <map>
#include <string>

namespace ariadne {

/// Slot values by slot name (without the `@`).
using TemplateSlots = std::map<std::string, std::string>;

/// Replaces every slot of `text` by its value. Fails, with a one-line
/// message naming `templateName`, when a slot has no value (with its line)
/// or when a value is given for a name that is no slot of the template.
bool fillTemplate(const std::string &templateName, const std::string &text,
                  const TemplateSlots &slots, std::string &result,
                  std::string &error);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_TEMPLATE_H
