//===- QuantConfig.cpp - per-layer quantization config file ---------------===//
#include "passes/Quant/QuantConfig.h"

#include "passes/FX/Precision.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <tuple>
#include <vector>

// Errors come back as values: the project's code does not use exceptions.
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

using namespace ariadne;
using namespace ariadne::quant;

namespace {

/// The smallest and largest table sizes and widths the file may ask for.
constexpr int64_t kMinTableSize = 2;
constexpr int64_t kMaxTableSize = int64_t(1) << 20;
constexpr int64_t kMinWidth = 2;
constexpr int64_t kMaxWidth = 64;
/// The reuse factors and clock periods (ns) of the HLS target.
/// The most adder levels between two register stages of the Verilog target.

constexpr llvm::StringRef kLayerTypes[] = {
    "dense",  "tanh",       "sigmoid",      "softsign", "softmax",
    "relu",   "leaky_relu", "hard_sigmoid", "clip",     "batch_norm",
    "add",    "sub",        "mul",          "div",      "matmul",
    "concat", "elu",        "selu",         "softplus", "input",
    "erf",    "gelu",       "gelu_tanh",    "rsqrt",    "reciprocal",
    "scatter", "where"};

constexpr std::pair<llvm::StringLiteral, Role> kRoleKeys[] = {
    {"weight", Role::Weight},
    {"bias", Role::Bias},
    {"accumulator", Role::Accumulator},
    {"result", Role::Result},
    {"state", Role::State},
    {"cell", Role::Cell}};

/// What kind of section a table of keys is, which decides its keys.
enum class SectionKind { Model, Type, Layer };

/// The name of a TOML value's kind, for messages.
llvm::StringRef kindName(const toml::node &node) {
  switch (node.type()) {
  case toml::node_type::table:
    return "a table";
  case toml::node_type::array:
    return "an array";
  case toml::node_type::string:
    return "a string";
  case toml::node_type::integer:
    return "an integer";
  case toml::node_type::floating_point:
    return "a float";
  case toml::node_type::boolean:
    return "a boolean";
  case toml::node_type::date:
  case toml::node_type::time:
  case toml::node_type::date_time:
    return "a date or time";
  case toml::node_type::none:
    break;
  }
  return "nothing";
}

/// The text of a TOML key.
llvm::StringRef keyName(const toml::key &key) {
  std::string_view text = key.str();
  return llvm::StringRef(text.data(), text.size());
}

/// `value` in the shortest form that reads back the same.
std::string formatNumber(double value) {
  char text[32];
  // Whole numbers in full: 1000, not 1e+03.
  if (std::isfinite(value) && std::fabs(value) < 1e15 &&
      value == std::trunc(value)) {
    std::snprintf(text, sizeof(text), "%.0f", value);
    return text;
  }
  std::snprintf(text, sizeof(text), "%.17g", value);
  for (int digits = 1; digits < 17; ++digits) {
    char shorter[32];
    std::snprintf(shorter, sizeof(shorter), "%.*g", digits, value);
    if (std::strtod(shorter, nullptr) == value)
      return shorter;
  }
  return text;
}

/// `name` as a TOML key: bare where it can be, else quoted.
std::string tomlKey(llvm::StringRef name) {
  bool bare = !name.empty() && llvm::all_of(name, [](char c) {
    return llvm::isAlnum(c) || c == '_' || c == '-';
  });
  if (bare)
    return name.str();
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\')
      quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

/// The targets' sections, in registration order.
std::vector<TargetSection> &targetSections() {
  static std::vector<TargetSection> sections;
  return sections;
}

/// The key `name` of a target: its section and key, or nulls.
std::pair<const TargetSection *, const TargetKey *>
findTargetKey(llvm::StringRef name, bool perLayerOnly) {
  for (const TargetSection &section : targetSections())
    for (const TargetKey &key : section.keys)
      if (key.name == name && (key.perLayer || !perLayerOnly))
        return {&section, &key};
  return {nullptr, nullptr};
}

ConfigValue configValue(const toml::node &node) {
  ConfigValue value;
  value.kind = kindName(node).str();
  value.integer = node.value_exact<int64_t>();
  if (value.integer)
    value.number = static_cast<double>(*value.integer);
  else if (const toml::value<double> *real = node.as_floating_point())
    value.number = real->get();
  if (const toml::value<std::string> *text = node.as_string())
    value.text = text->get();
  return value;
}

/// Reads one file's tables into a QuantConfig, collecting every error.
class ConfigReader {
public:
  ConfigReader(llvm::StringRef path, mlir::MLIRContext *context)
      : path(path.str()), context(context) {
    config.path = this->path;
  }

  llvm::Expected<QuantConfig> read(llvm::StringRef text);

private:
  std::string location(const toml::source_region &where) const {
    if (where.begin.line == 0)
      return path;
    return llvm::formatv("{0}:{1}:{2}", path, where.begin.line,
                         where.begin.column);
  }
  void error(const toml::source_region &where, const llvm::Twine &message) {
    errors.push_back({where.begin.line, where.begin.column,
                      location(where) + ": " + message.str()});
  }

  void readModel(const toml::key &key, const toml::node &node);
  void readTypes(const toml::key &key, const toml::node &node);
  void readLayers(const toml::key &key, const toml::node &node);
  void readTargetSection(const TargetSection &target, const toml::key &key,
                         const toml::node &node);
  /// Reads `key` with the reader of `target`, into `values`; false on an
  /// error (reported).
  bool readTargetKey(const TargetKey &target, const toml::key &key,
                     const toml::node &node, llvm::StringRef section,
                     std::map<std::string, TargetValue> &values);
  void checkModelDefaults();
  void readSection(const toml::table &table, llvm::StringRef section,
                   SectionKind kind, bool softmaxTables,
                   LayerSettings &settings);
  void readTable(const toml::key &key, const toml::node &node,
                 llvm::StringRef section, TableSettings &settings);
  std::optional<std::string> readType(const toml::key &key,
                                      const toml::node &node,
                                      llvm::StringRef section,
                                      bool allowAutoFloat, bool accumulator);
  const toml::table *expectTable(const toml::key &key, const toml::node &node,
                                 llvm::StringRef section);

  std::string path;
  mlir::MLIRContext *context;
  QuantConfig config;
  /// Line, column and message of each error, reported in file order.
  struct Located {
    toml::source_index line, column;
    std::string message;
  };
  std::vector<Located> errors;
  /// Where [model] and a target's section set a per-layer target key, by
  /// key: the model-wide default belongs to one of them.
  std::map<std::string, toml::source_region> modelDefaultAt;
  std::map<std::string, std::pair<std::string, toml::source_region>>
      targetDefaultAt;
};

} // namespace

const toml::table *ConfigReader::expectTable(const toml::key &key,
                                             const toml::node &node,
                                             llvm::StringRef section) {
  const toml::table *table = node.as_table();
  if (!table)
    error(key.source(), llvm::formatv("{0}: '{1}' must be a table, got {2}",
                                      section, keyName(key), kindName(node)));
  return table;
}

llvm::Expected<QuantConfig> ConfigReader::read(llvm::StringRef text) {
  toml::parse_result parsed = toml::parse(
      std::string_view(text.data(), text.size()), std::string_view(path));
  if (!parsed) {
    const toml::parse_error &syntax = parsed.error();
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        location(syntax.source()) +
            ": TOML syntax error: " + std::string(syntax.description()));
  }
  for (auto &&[key, node] : parsed.table()) {
    llvm::StringRef name(keyName(key));
    const TargetSection *target = nullptr;
    for (const TargetSection &section : targetSections())
      if (section.name == name)
        target = &section;
    if (name == "model") {
      readModel(key, node);
    } else if (name == "type") {
      readTypes(key, node);
    } else if (name == "layer") {
      readLayers(key, node);
    } else if (target) {
      readTargetSection(*target, key, node);
    } else {
      std::string allowed = "[model], ";
      for (const TargetSection &section : targetSections())
        allowed += "[" + section.name + "], ";
      error(key.source(),
            llvm::formatv("unknown section '{0}' (allowed: {1}[type.T], "
                          "[layer.\"N\"])",
                          name, allowed));
    }
  }
  checkModelDefaults();
  if (!errors.empty()) {
    // Tables iterate by key; the user reads the file top to bottom.
    std::stable_sort(
        errors.begin(), errors.end(), [](const Located &a, const Located &b) {
          return std::tie(a.line, a.column) < std::tie(b.line, b.column);
        });
    std::string message;
    for (const Located &located : errors)
      message += (message.empty() ? "" : "\n") + located.message;
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  }
  return std::move(config);
}

void ConfigReader::readModel(const toml::key &key, const toml::node &node) {
  if (const toml::table *table = expectTable(key, node, "the file"))
    readSection(*table, "[model]", SectionKind::Model, true, config.model);
}

void ConfigReader::readTypes(const toml::key &key, const toml::node &node) {
  const toml::table *types = expectTable(key, node, "the file");
  if (!types)
    return;
  for (auto &&[typeKey, typeNode] : *types) {
    llvm::StringRef type(keyName(typeKey));
    if (!llvm::is_contained(kLayerTypes, type)) {
      error(typeKey.source(),
            llvm::formatv("unknown layer type '{0}' in [type] (allowed: {1})",
                          type, llvm::join(llvm::ArrayRef(kLayerTypes), ", ")));
      continue;
    }
    std::string section = "[type." + type.str() + "]";
    if (const toml::table *table = expectTable(typeKey, typeNode, "[type]"))
      readSection(*table, section, SectionKind::Type, type == "softmax",
                  config.byType[type.str()]);
  }
}

void ConfigReader::readLayers(const toml::key &key, const toml::node &node) {
  const toml::table *layers = expectTable(key, node, "the file");
  if (!layers)
    return;
  for (auto &&[nameKey, nameNode] : *layers) {
    std::string name(keyName(nameKey));
    std::string section = "[layer." + tomlKey(name) + "]";
    const toml::table *table = expectTable(nameKey, nameNode, "[layer]");
    if (!table)
      continue;
    config.nameLocations[name] = location(nameKey.source());
    readSection(*table, section, SectionKind::Layer, true, config.byName[name]);
  }
}

void ConfigReader::readTargetSection(const TargetSection &target,
                                     const toml::key &key,
                                     const toml::node &node) {
  const toml::table *table = expectTable(key, node, "the file");
  if (!table)
    return;
  std::string section = "[" + target.name + "]";
  for (auto &&[fieldKey, field] : *table) {
    llvm::StringRef name(keyName(fieldKey));
    const TargetKey *found = nullptr;
    for (const TargetKey &k : target.keys)
      if (k.name == name)
        found = &k;
    if (!found) {
      std::string allowed;
      for (const TargetKey &k : target.keys)
        allowed += (allowed.empty() ? "" : ", ") + k.name;
      error(fieldKey.source(),
            llvm::formatv("{0}: unknown key '{1}' (allowed: {2})", section,
                          name, allowed));
      continue;
    }
    if (found->perLayer) {
      if (readTargetKey(*found, fieldKey, field, section, config.model.target))
        targetDefaultAt[name.str()] = {section, fieldKey.source()};
    } else {
      readTargetKey(*found, fieldKey, field, section,
                    config.sections[target.name]);
    }
  }
}

bool ConfigReader::readTargetKey(const TargetKey &target, const toml::key &key,
                                 const toml::node &node,
                                 llvm::StringRef section,
                                 std::map<std::string, TargetValue> &values) {
  TargetKeyResult result = target.read(configValue(node), section);
  if (!result.value) {
    error(result.atValue ? node.source() : key.source(), result.error);
    return false;
  }
  values[target.name] = *result.value;
  return true;
}

void ConfigReader::checkModelDefaults() {
  for (const auto &[name, target] : targetDefaultAt) {
    const auto &[section, targetAt] = target;
    auto modelAt = modelDefaultAt.find(name);
    if (modelAt == modelDefaultAt.end())
      continue;
    // The later of the two is the one reported.
    bool targetLater =
        std::tie(targetAt.begin.line, targetAt.begin.column) >
        std::tie(modelAt->second.begin.line, modelAt->second.begin.column);
    const toml::source_region &later = targetLater ? targetAt : modelAt->second;
    const toml::source_region &earlier =
        targetLater ? modelAt->second : targetAt;
    error(later,
          llvm::formatv("{0}: {1} is also set in {2} (at {3}); give "
                        "the model-wide default in one of them",
                        targetLater ? section : "[model]", name,
                        targetLater ? "[model]" : section, location(earlier)));
  }
}

void ConfigReader::readSection(const toml::table &table,
                               llvm::StringRef section, SectionKind kind,
                               bool softmaxTables, LayerSettings &settings) {
  for (auto &&[key, node] : table) {
    llvm::StringRef name(keyName(key));
    if (name == "precision") {
      settings.precision = readType(key, node, section, true, false);
      continue;
    }
    const auto *role = llvm::find_if(
        kRoleKeys, [&](const auto &entry) { return entry.first == name; });
    if (role != std::end(kRoleKeys)) {
      if (std::optional<std::string> type = readType(
              key, node, section, false, role->second == Role::Accumulator))
        settings.roles[role->second] = *type;
      continue;
    }
    if (name == "table") {
      readTable(key, node, section, settings.table);
      continue;
    }
    if ((name == "exp_table" || name == "inv_table") && softmaxTables) {
      readTable(key, node, section,
                name == "exp_table" ? settings.expTable : settings.invTable);
      continue;
    }
    if (const TargetKey *target = findTargetKey(name, true).second) {
      if (readTargetKey(*target, key, node, section, settings.target) &&
          kind == SectionKind::Model)
        modelDefaultAt[name.str()] = key.source();
      continue;
    }
    if (name == "max_width" && kind == SectionKind::Model) {
      std::optional<int64_t> width = node.value_exact<int64_t>();
      if (!width)
        error(key.source(),
              llvm::formatv("{0}: max_width must be an integer, got {1}",
                            section, kindName(node)));
      else if (*width < kMinWidth || *width > kMaxWidth)
        error(node.source(),
              llvm::formatv("{0}: max_width must be {1} to {2}, got {3}",
                            section, kMinWidth, kMaxWidth, *width));
      else
        config.maxWidth = static_cast<int>(*width);
      continue;
    }

    std::string allowed = "precision, weight, bias, accumulator, result, "
                          "table";
    for (const TargetSection &target : targetSections())
      for (const TargetKey &k : target.keys)
        if (k.perLayer)
          allowed += ", " + k.name;
    if (softmaxTables)
      allowed += ", exp_table, inv_table";
    if (kind == SectionKind::Model)
      allowed += ", max_width";
    std::string reason;
    if (name == "max_width")
      reason = " (max_width is allowed in [model] only)";
    else if (auto [target, k] = findTargetKey(name, false); k)
      reason =
          " (" + name.str() + " is allowed in [" + target->name + "] only)";
    else if (name == "exp_table" || name == "inv_table")
      reason = " (" + name.str() + " belongs to softmax)";
    error(key.source(),
          llvm::formatv("{0}: unknown key '{1}'{2} (allowed: {3})", section,
                        name, reason, allowed));
  }
}

void ConfigReader::readTable(const toml::key &key, const toml::node &node,
                             llvm::StringRef section, TableSettings &settings) {
  std::string tableSection =
      (section.drop_back() + "." + keyName(key) + "]").str();
  const toml::table *table = node.as_table();
  if (!table) {
    std::string hint;
    if (node.is_string())
      hint = ("; write its entry type as " + keyName(key) + ".entry").str();
    error(key.source(),
          llvm::formatv("{0}: '{1}' must be a table (keys size, range, "
                        "entry), got {2}{3}",
                        section, keyName(key), kindName(node), hint));
    return;
  }
  for (auto &&[fieldKey, field] : *table) {
    llvm::StringRef name(keyName(fieldKey));
    if (name == "size") {
      std::optional<int64_t> size = field.value_exact<int64_t>();
      if (!size)
        error(fieldKey.source(),
              llvm::formatv("{0}: size must be an integer, got {1}",
                            tableSection, kindName(field)));
      else if (*size < kMinTableSize || *size > kMaxTableSize)
        error(field.source(),
              llvm::formatv("{0}: size must be {1} to {2} (2^20), got {3}",
                            tableSection, kMinTableSize, kMaxTableSize, *size));
      else
        settings.size = *size;
    } else if (name == "range") {
      const toml::array *bounds = field.as_array();
      std::optional<double> low, high;
      if (bounds && bounds->size() == 2) {
        low = (*bounds)[0].value<double>();
        high = (*bounds)[1].value<double>();
      }
      if (!low || !high) {
        error(fieldKey.source(),
              llvm::formatv("{0}: range must be an array of two numbers "
                            "[low, high]",
                            tableSection));
      } else if (!std::isfinite(*low) || !std::isfinite(*high)) {
        error(field.source(),
              llvm::formatv("{0}: range bounds must be finite", tableSection));
      } else if (!(*low < *high)) {
        error(field.source(),
              llvm::formatv("{0}: range must have low < high, got [{1}, {2}]",
                            tableSection, formatNumber(*low),
                            formatNumber(*high)));
      } else {
        settings.range = std::make_pair(*low, *high);
      }
    } else if (name == "entry") {
      if (std::optional<std::string> type =
              readType(fieldKey, field, tableSection, false, false))
        settings.entry = *type;
    } else {
      error(fieldKey.source(),
            llvm::formatv("{0}: unknown key '{1}' (allowed: size, range, "
                          "entry)",
                          tableSection, name));
    }
  }
}

std::optional<std::string> ConfigReader::readType(const toml::key &key,
                                                  const toml::node &node,
                                                  llvm::StringRef section,
                                                  bool allowAutoFloat,
                                                  bool accumulator) {
  const toml::value<std::string> *text = node.as_string();
  if (!text) {
    error(key.source(), llvm::formatv("{0}: {1} must be a string, got {2}",
                                      section, keyName(key), kindName(node)));
    return std::nullopt;
  }
  llvm::StringRef spelling = llvm::StringRef(text->get()).trim();
  if (spelling == "auto" || spelling == "float") {
    if (allowAutoFloat)
      return spelling.str();
    error(node.source(),
          llvm::formatv("{0}: {1} takes a fixed-point type, not '{2}' "
                        "('auto' and 'float' are values of precision only)",
                        section, keyName(key), spelling));
    return std::nullopt;
  }
  std::string reason;
  mlir::FailureOr<fx::FixedType> type =
      fx::parsePrecision(spelling, context, reason);
  if (mlir::failed(type)) {
    if (allowAutoFloat)
      reason += " (or 'auto', 'float')";
    error(node.source(),
          llvm::formatv("{0}: {1}: {2}", section, keyName(key), reason));
    return std::nullopt;
  }
  if (accumulator && (type->getQuant() != TRN || type->getOverflow() != WRAP)) {
    llvm::StringRef why =
        type->getOverflow() != WRAP
            ? "a saturating accumulator is not allowed: its sum would depend "
              "on the order of addition"
            : "an accumulator holds sums of exact products and does not round";
    error(node.source(),
          llvm::formatv("{0}: accumulator '{1}' must be TRN and WRAP; {2}",
                        section, spelling, why));
    return std::nullopt;
  }
  return fx::formatPrecision(*type);
}

llvm::StringRef ariadne::quant::roleName(Role role) {
  switch (role) {
  case Role::Weight:
    return "weight";
  case Role::Bias:
    return "bias";
  case Role::Accumulator:
    return "accumulator";
  case Role::Result:
    return "result";
  case Role::Table:
    return "table";
  case Role::State:
    return "state";
  case Role::Cell:
    return "cell";
  }
  llvm_unreachable("unknown role");
}

llvm::ArrayRef<llvm::StringRef> ariadne::quant::layerTypeNames() {
  return kLayerTypes;
}

std::string ariadne::quant::formatConfigNumber(double value) {
  return formatNumber(value);
}

void ariadne::quant::registerTargetSection(TargetSection section) {
  for (const TargetSection &known : targetSections())
    if (known.name == section.name)
      return;
  targetSections().push_back(std::move(section));
}

std::optional<int64_t> LayerSettings::targetInteger(llvm::StringRef key) const {
  auto it = target.find(key.str());
  if (it == target.end() || !std::holds_alternative<int64_t>(it->second))
    return std::nullopt;
  return std::get<int64_t>(it->second);
}

std::optional<std::string>
LayerSettings::targetText(llvm::StringRef key) const {
  auto it = target.find(key.str());
  if (it == target.end() || !std::holds_alternative<std::string>(it->second))
    return std::nullopt;
  return std::get<std::string>(it->second);
}

std::optional<TargetValue>
QuantConfig::sectionValue(llvm::StringRef section, llvm::StringRef key) const {
  auto s = sections.find(section.str());
  if (s == sections.end())
    return std::nullopt;
  auto v = s->second.find(key.str());
  if (v == s->second.end())
    return std::nullopt;
  return v->second;
}

std::optional<std::string> LayerSettings::roleType(Role role) const {
  if (role == Role::Table)
    return table.entry;
  auto it = roles.find(role);
  if (it == roles.end())
    return std::nullopt;
  return it->second;
}

namespace {

/// Overwrites in `into` every field that `from` sets.
void mergeTable(TableSettings &into, const TableSettings &from) {
  if (from.size)
    into.size = from.size;
  if (from.range)
    into.range = from.range;
  if (from.entry)
    into.entry = from.entry;
}

void mergeSettings(LayerSettings &into, const LayerSettings &from) {
  if (from.precision)
    into.precision = from.precision;
  for (const auto &[role, type] : from.roles)
    into.roles[role] = type;
  mergeTable(into.table, from.table);
  mergeTable(into.expTable, from.expTable);
  mergeTable(into.invTable, from.invTable);
  for (const auto &[key, value] : from.target)
    into.target[key] = value;
}

} // namespace

LayerSettings QuantConfig::resolve(llvm::StringRef name,
                                   llvm::StringRef type) const {
  return resolveAll(llvm::ArrayRef<std::string>(name.str()), type);
}

LayerSettings QuantConfig::resolveAll(llvm::ArrayRef<std::string> names,
                                      llvm::StringRef type) const {
  LayerSettings settings = model;
  if (auto it = byType.find(type.str()); it != byType.end())
    mergeSettings(settings, it->second);
  for (const std::string &name : names)
    if (auto it = byName.find(name); it != byName.end())
      mergeSettings(settings, it->second);
  return settings;
}

std::set<std::string> QuantConfig::layerNames() const {
  std::set<std::string> names;
  for (const auto &entry : byName)
    names.insert(entry.first);
  return names;
}

std::string QuantConfig::locationOf(llvm::StringRef name) const {
  auto it = nameLocations.find(name.str());
  return it == nameLocations.end() ? path : it->second;
}

llvm::Expected<QuantConfig>
ariadne::quant::parseQuantConfigText(llvm::StringRef text, llvm::StringRef path,
                                     mlir::MLIRContext *context) {
  return ConfigReader(path, context).read(text);
}

llvm::Expected<QuantConfig>
ariadne::quant::parseQuantConfig(llvm::StringRef path,
                                 mlir::MLIRContext *context) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return llvm::createStringError(
        buffer.getError(),
        path + ": cannot read: " + buffer.getError().message());
  return parseQuantConfigText((*buffer)->getBuffer(), path, context);
}
