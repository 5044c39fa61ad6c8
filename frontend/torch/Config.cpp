//===- Config.cpp - training configurations from TOML ---------------------===//
#include "frontend/torch/Config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

// Errors come back as values: the project's code does not use exceptions.
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

using namespace ariadne::train;

namespace {

/// Keys that only a configuration as a whole may set.
const std::set<std::string> kGlobalKeys = {
    "extends",       "data",    "edges",      "inputs",  "targets",
    "expert_column", "experts", "transforms", "filters", "input_shape"};
/// Keys that each expert may override.
const std::set<std::string> kExpertKeys = {"hidden",
                                           "activation",
                                           "output_activation",
                                           "batch_norm",
                                           "loss",
                                           "huber_delta",
                                           "optimizer",
                                           "learning_rate",
                                           "weight_decay",
                                           "momentum",
                                           "lr_schedule",
                                           "lr_step",
                                           "lr_gamma",
                                           "batch_size",
                                           "epochs",
                                           "early_stopping",
                                           "seed",
                                           "validation_split",
                                           "qat",
                                           "reweight",
                                           "conv",
                                           "recurrent",
                                           "transformer",
                                           "graph",
                                           "pos_weight",
                                           "ellipse_weight"};

const std::pair<const char *, Activation> kActivations[] = {
    {"none", Activation::None},
    {"tanh", Activation::Tanh},
    {"tanh_half", Activation::TanhHalf},
    {"softsign", Activation::Softsign},
    {"relu", Activation::Relu},
    {"sigmoid", Activation::Sigmoid}};
const std::pair<const char *, Loss> kLosses[] = {{"mse", Loss::MSE},
                                                 {"l1", Loss::L1},
                                                 {"huber", Loss::Huber},
                                                 {"tracknet", Loss::TrackNet},
                                                 {"bce", Loss::BCE}};
const std::pair<const char *, Optimizer> kOptimizers[] = {
    {"adam", Optimizer::Adam}, {"sgd", Optimizer::SGD}};
const std::pair<const char *, LrSchedule> kSchedules[] = {
    {"constant", LrSchedule::Constant},
    {"step", LrSchedule::Step},
    {"exponential", LrSchedule::Exponential},
    {"cosine", LrSchedule::Cosine}};

template <typename E, std::size_t N>
const char *nameOf(const std::pair<const char *, E> (&table)[N], E value) {
  for (const auto &entry : table)
    if (entry.second == value)
      return entry.first;
  return "?";
}

/// Whether `key` names a per-expert table, and which expert.
bool expertKey(std::string_view key, int &expert) {
  constexpr std::string_view prefix = "expert_";
  if (key.substr(0, prefix.size()) != prefix || key.size() == prefix.size())
    return false;
  std::string digits(key.substr(prefix.size()));
  if (!std::all_of(digits.begin(), digits.end(),
                   [](char c) { return c >= '0' && c <= '9'; }) ||
      digits.size() > 6)
    return false;
  expert = std::atoi(digits.c_str());
  return true;
}

/// `value` in the shortest decimal form that reads back the same, always
/// with a '.' or exponent so that TOML reads it as a float.
std::string formatDouble(double value) {
  char text[40];
  if (std::isfinite(value) && std::fabs(value) < 1e15 &&
      value == std::trunc(value)) {
    std::snprintf(text, sizeof(text), "%.1f", value);
    return text;
  }
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof(text), "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value)
      break;
  }
  std::string result = text;
  if (result.find_first_of(".eEn") == std::string::npos)
    result += ".0";
  return result;
}

std::string quote(const std::string &text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string stringArray(const std::vector<std::string> &values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + quote(values[i]);
  return text + "]";
}

/// Reads one file's configurations; every method reports the first problem
/// into `error` and returns false.
class ConfigReader {
public:
  ConfigReader(std::string path, std::string &error)
      : path(std::move(path)), error(error) {}

  bool parse();
  bool names(std::vector<std::string> &result);
  bool load(const std::string &name, TrainConfig &config);

private:
  bool fail(const toml::source_region &where, const std::string &message) {
    std::ostringstream text;
    text << path;
    if (where.begin.line != 0)
      text << ":" << where.begin.line << ":" << where.begin.column;
    text << ": " << message;
    error = text.str();
    return false;
  }
  bool resolve(const std::string &name, std::vector<std::string> &chain,
               const toml::source_region &from, toml::table &merged);
  bool checkKeys(const std::string &name, const toml::table &table);
  /// Reads every value of one table as written, so that errors point into
  /// the file (the merged copies carry no source positions).
  bool checkValues(const std::string &name, const toml::table &table);
  bool readGlobal(const std::string &name, const toml::table &table,
                  TrainConfig &config);
  bool readHyper(const std::string &section, const toml::table &table,
                 Hyperparameters &hyper);
  bool readFilter(const std::string &section, const toml::node &node,
                  FilterSpec &filter);
  bool readRecurrent(const std::string &section, const toml::node &node,
                     RecurrentSpec &recurrent);
  bool readTransformer(const std::string &section, const toml::node &node,
                       TransformerSpec &transformer);
  bool readGraph(const std::string &section, const toml::node &node,
                 GraphSpec &graph);
  /// Checks a graph network against the rest of the configuration.
  bool checkGraph(const std::string &section, const TrainConfig &config,
                  const Hyperparameters &hyper, const toml::node *origin);
  /// Checks the BCE loss against the output activation.
  bool checkLoss(const std::string &section, const Hyperparameters &hyper,
                 const toml::node *origin);
  /// Checks a transformer against the input shape and the other
  /// hyperparameters.
  bool checkTransformer(const std::string &section,
                        const std::vector<int> &inputShape,
                        const Hyperparameters &hyper, const toml::node *origin);
  /// Checks a sequence model (recurrent layers, TrackNet loss) against the
  /// input shape and the other hyperparameters.
  bool checkSequence(const std::string &section,
                     const std::vector<int> &inputShape,
                     const Hyperparameters &hyper, const toml::node *origin);
  bool readConv(const std::string &section, const toml::node &node,
                std::vector<ConvSpec> &conv);
  /// Checks that the spatial size of `inputShape` stays positive through
  /// the layers of `conv` (of `section`, written at `origin` where known).
  bool checkConv(const std::string &section, const std::vector<int> &inputShape,
                 const std::vector<ConvSpec> &conv, const toml::node *origin);

  bool getString(const std::string &section, const toml::key &key,
                 const toml::node &node, std::string &value);
  bool getDouble(const std::string &section, const toml::key &key,
                 const toml::node &node, double &value);
  bool getInt(const std::string &section, const toml::key &key,
              const toml::node &node, int64_t lo, int64_t hi, int64_t &value);
  bool getBool(const std::string &section, const toml::key &key,
               const toml::node &node, bool &value);
  bool getStrings(const std::string &section, const toml::key &key,
                  const toml::node &node, std::vector<std::string> &values);
  template <typename E, std::size_t N>
  bool getEnum(const std::string &section, const toml::key &key,
               const toml::node &node,
               const std::pair<const char *, E> (&table)[N], E &value);

  std::string path;
  std::string &error;
  toml::table root;
  /// Where each key of the merged configuration was written ("conv",
  /// "expert_2.conv"): the merged copies carry no source positions, and
  /// the checks across keys point to these.
  std::map<std::string, const toml::node *> origins;
};

bool ConfigReader::parse() {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open the configuration file";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string contents = text.str();
  toml::parse_result parsed =
      toml::parse(std::string_view(contents), std::string_view(path));
  if (!parsed)
    return fail(parsed.error().source(),
                "TOML syntax error: " +
                    std::string(parsed.error().description()));
  root = std::move(parsed).table();
  for (auto &&[key, node] : root)
    if (!node.is_table())
      return fail(key.source(), "top-level key '" + std::string(key.str()) +
                                    "' is not a configuration table");
  if (root.empty()) {
    error = path + ": the file defines no configuration";
    return false;
  }
  return true;
}

bool ConfigReader::names(std::vector<std::string> &result) {
  std::vector<std::pair<toml::source_index, std::string>> ordered;
  for (auto &&[key, node] : root)
    ordered.emplace_back(key.source().begin.line, std::string(key.str()));
  std::sort(ordered.begin(), ordered.end());
  for (auto &entry : ordered)
    result.push_back(entry.second);
  return true;
}

bool ConfigReader::checkKeys(const std::string &name,
                             const toml::table &table) {
  for (auto &&[key, node] : table) {
    std::string text(key.str());
    int expert = 0;
    if (expertKey(text, expert)) {
      const toml::table *overrides = node.as_table();
      if (!overrides)
        return fail(key.source(), "'" + name + "." + text +
                                      "' must be a table of per-expert "
                                      "hyperparameters");
      for (auto &&[subKey, subNode] : *overrides) {
        std::string subText(subKey.str());
        if (kGlobalKeys.count(subText))
          return fail(subKey.source(), "key '" + subText + "' in '" + name +
                                           "." + text +
                                           "' cannot be set per expert");
        if (!kExpertKeys.count(subText))
          return fail(subKey.source(), "unknown key '" + subText + "' in '" +
                                           name + "." + text + "'");
      }
      continue;
    }
    if (!kGlobalKeys.count(text) && !kExpertKeys.count(text))
      return fail(key.source(),
                  "unknown key '" + text + "' in configuration '" + name + "'");
  }
  return true;
}

bool ConfigReader::checkValues(const std::string &name,
                               const toml::table &table) {
  TrainConfig scratch;
  if (!readGlobal(name, table, scratch) ||
      !readHyper(name, table, scratch.defaults))
    return false;
  for (auto &&[key, node] : table) {
    int expert = 0;
    if (expertKey(key.str(), expert) &&
        !readHyper(name + "." + std::string(key.str()), *node.as_table(),
                   scratch.defaults))
      return false;
  }
  return true;
}

bool ConfigReader::resolve(const std::string &name,
                           std::vector<std::string> &chain,
                           const toml::source_region &from,
                           toml::table &merged) {
  if (std::find(chain.begin(), chain.end(), name) != chain.end()) {
    std::string cycle;
    for (const std::string &link : chain)
      cycle += link + " -> ";
    return fail(from, "cycle in 'extends': " + cycle + name);
  }
  const toml::table *table = root[name].as_table();
  if (!table) {
    std::vector<std::string> known;
    this->names(known);
    std::string list;
    for (const std::string &entry : known)
      list += (list.empty() ? "" : ", ") + entry;
    return fail(from, "no configuration '" + name + "' (the file defines " +
                          list + ")");
  }
  if (!checkKeys(name, *table) || !checkValues(name, *table))
    return false;
  chain.push_back(name);
  merged.clear();
  origins.clear();
  if (const toml::node *parent = table->get("extends")) {
    const toml::value<std::string> *parentName = parent->as_string();
    if (!parentName)
      return fail(parent->source(),
                  "'" + name + ".extends' must be the name of a configuration");
    if (!resolve(parentName->get(), chain, parent->source(), merged))
      return false;
  }
  for (auto &&[key, node] : *table) {
    if (key.str() == "extends")
      continue;
    int expert = 0;
    std::string text(key.str());
    toml::table *inherited = merged[key.str()].as_table();
    if (expertKey(text, expert)) {
      for (auto &&[subKey, subNode] : *node.as_table())
        origins[text + "." + std::string(subKey.str())] = &subNode;
      if (inherited) {
        for (auto &&[subKey, subNode] : *node.as_table())
          inherited->insert_or_assign(subKey, subNode);
        continue;
      }
    }
    origins[text] = &node;
    merged.insert_or_assign(key, node);
  }
  chain.pop_back();
  return true;
}

bool ConfigReader::getString(const std::string &section, const toml::key &key,
                             const toml::node &node, std::string &value) {
  const toml::value<std::string> *text = node.as_string();
  if (!text)
    return fail(node.source(), "'" + section + "." + std::string(key.str()) +
                                   "' must be a string");
  value = text->get();
  return true;
}

bool ConfigReader::getDouble(const std::string &section, const toml::key &key,
                             const toml::node &node, double &value) {
  if (const toml::value<double> *number = node.as_floating_point()) {
    value = number->get();
    return true;
  }
  if (const toml::value<int64_t> *number = node.as_integer()) {
    value = static_cast<double>(number->get());
    return true;
  }
  return fail(node.source(), "'" + section + "." + std::string(key.str()) +
                                 "' must be a number");
}

bool ConfigReader::getInt(const std::string &section, const toml::key &key,
                          const toml::node &node, int64_t lo, int64_t hi,
                          int64_t &value) {
  const toml::value<int64_t> *number = node.as_integer();
  if (!number)
    return fail(node.source(), "'" + section + "." + std::string(key.str()) +
                                   "' must be an integer");
  if (number->get() < lo || number->get() > hi)
    return fail(node.source(), "'" + section + "." + std::string(key.str()) +
                                   "' must be between " + std::to_string(lo) +
                                   " and " + std::to_string(hi));
  value = number->get();
  return true;
}

bool ConfigReader::getBool(const std::string &section, const toml::key &key,
                           const toml::node &node, bool &value) {
  const toml::value<bool> *flag = node.as_boolean();
  if (!flag)
    return fail(node.source(), "'" + section + "." + std::string(key.str()) +
                                   "' must be true or false");
  value = flag->get();
  return true;
}

bool ConfigReader::getStrings(const std::string &section, const toml::key &key,
                              const toml::node &node,
                              std::vector<std::string> &values) {
  const toml::array *array = node.as_array();
  if (!array)
    return fail(node.source(), "'" + section + "." + std::string(key.str()) +
                                   "' must be an array of strings");
  values.clear();
  for (const toml::node &element : *array) {
    const toml::value<std::string> *text = element.as_string();
    if (!text)
      return fail(element.source(), "'" + section + "." +
                                        std::string(key.str()) +
                                        "' must be an array of strings");
    values.push_back(text->get());
  }
  return true;
}

template <typename E, std::size_t N>
bool ConfigReader::getEnum(const std::string &section, const toml::key &key,
                           const toml::node &node,
                           const std::pair<const char *, E> (&table)[N],
                           E &value) {
  std::string text;
  if (!getString(section, key, node, text))
    return false;
  std::string choices;
  for (const auto &entry : table) {
    if (text == entry.first) {
      value = entry.second;
      return true;
    }
    choices += (choices.empty() ? "" : ", ") + std::string(entry.first);
  }
  return fail(node.source(), "'" + section + "." + std::string(key.str()) +
                                 "': unknown value '" + text + "' (" + choices +
                                 ")");
}

bool ConfigReader::readFilter(const std::string &section,
                              const toml::node &node, FilterSpec &filter) {
  const toml::table *table = node.as_table();
  if (!table)
    return fail(node.source(), "'" + section +
                                   "' must be a table like {kind = \"range\", "
                                   "column = \"z\", min = -50, max = 50}");
  const toml::node *kind = table->get("kind");
  if (!kind || !kind->is_string())
    return fail(node.source(), "'" + section +
                                   "' needs kind = \"range\", \"first\", "
                                   "\"all\", \"any\" or \"not\"");
  std::string kindText = kind->as_string()->get();
  if (kindText == "range")
    filter.kind = FilterSpec::Kind::Range;
  else if (kindText == "first")
    filter.kind = FilterSpec::Kind::First;
  else if (kindText == "all")
    filter.kind = FilterSpec::Kind::All;
  else if (kindText == "any")
    filter.kind = FilterSpec::Kind::Any;
  else if (kindText == "not")
    filter.kind = FilterSpec::Kind::Not;
  else
    return fail(kind->source(), "'" + section + ".kind': unknown filter '" +
                                    kindText +
                                    "' (range, first, all, any, not)");
  for (auto &&[key, value] : *table) {
    std::string name(key.str());
    if (name == "kind")
      continue;
    double number = 0;
    if (filter.kind == FilterSpec::Kind::Range && name == "column") {
      if (!getString(section, key, value, filter.column))
        return false;
    } else if (filter.kind == FilterSpec::Kind::Range &&
               (name == "min" || name == "max")) {
      if (!getDouble(section, key, value, number))
        return false;
      (name == "min" ? filter.min : filter.max) = number;
    } else if (filter.kind == FilterSpec::Kind::First && name == "n") {
      int64_t count = 0;
      if (!getInt(section, key, value, 0, INT64_MAX, count))
        return false;
      filter.count = static_cast<uint64_t>(count);
    } else if (filter.kind != FilterSpec::Kind::Range &&
               filter.kind != FilterSpec::Kind::First && name == "filters") {
      const toml::array *children = value.as_array();
      if (!children)
        return fail(value.source(),
                    "'" + section + ".filters' must be an array of filters");
      for (const toml::node &child : *children) {
        filter.children.emplace_back();
        if (!readFilter(section + ".filters", child, filter.children.back()))
          return false;
      }
    } else {
      return fail(key.source(), "unknown key '" + name + "' in a '" + kindText +
                                    "' filter of '" + section + "'");
    }
  }
  if (filter.kind == FilterSpec::Kind::Range && filter.column.empty())
    return fail(node.source(),
                "a 'range' filter of '" + section + "' needs a column");
  if (filter.kind == FilterSpec::Kind::First && !table->get("n"))
    return fail(node.source(), "a 'first' filter of '" + section + "' needs n");
  if (filter.kind == FilterSpec::Kind::Not && filter.children.size() != 1)
    return fail(node.source(), "a 'not' filter of '" + section +
                                   "' needs exactly one filter in 'filters'");
  return true;
}

bool ConfigReader::readGlobal(const std::string &name, const toml::table &table,
                              TrainConfig &config) {
  for (auto &&[key, node] : table) {
    std::string text(key.str());
    if (text == "data") {
      if (!getString(name, key, node, config.data))
        return false;
    } else if (text == "edges") {
      if (!getString(name, key, node, config.edges))
        return false;
    } else if (text == "inputs") {
      if (!getStrings(name, key, node, config.inputs))
        return false;
    } else if (text == "targets") {
      if (!getStrings(name, key, node, config.targets))
        return false;
    } else if (text == "input_shape") {
      // [C, L] or [C, H, W]: channels first, each at most 4096, at most
      // 2^20 values in all.
      const toml::array *array = node.as_array();
      if (!array)
        return fail(node.source(), "'" + name +
                                       ".input_shape' must be an array of "
                                       "2 or 3 integers ([C, L] or "
                                       "[C, H, W])");
      if (array->size() != 2 && array->size() != 3)
        return fail(node.source(), "'" + name +
                                       ".input_shape' must have 2 or 3 "
                                       "dimensions ([C, L] or [C, H, W]), "
                                       "got " +
                                       std::to_string(array->size()));
      config.inputShape.clear();
      int64_t product = 1;
      for (const toml::node &element : *array) {
        int64_t size = 0;
        if (!getInt(name, key, element, 1, 4096, size))
          return false;
        config.inputShape.push_back(static_cast<int>(size));
        product *= size;
      }
      if (product > (int64_t(1) << 20))
        return fail(node.source(), "'" + name + ".input_shape' holds " +
                                       std::to_string(product) +
                                       " values per event, more than " +
                                       std::to_string(1 << 20));
    } else if (text == "expert_column") {
      if (!getString(name, key, node, config.expertColumn))
        return false;
    } else if (text == "experts") {
      const toml::array *array = node.as_array();
      if (!array)
        return fail(node.source(),
                    "'" + name + ".experts' must be an array of integers");
      config.experts.clear();
      for (const toml::node &element : *array) {
        int64_t id = 0;
        if (!getInt(name, key, element, 0, 1000000, id))
          return false;
        config.experts.push_back(static_cast<int>(id));
      }
    } else if (text == "transforms") {
      const toml::array *array = node.as_array();
      if (!array)
        return fail(node.source(), "'" + name +
                                       ".transforms' must be an array of "
                                       "tables");
      config.transforms.clear();
      for (const toml::node &element : *array) {
        const toml::table *step = element.as_table();
        if (!step)
          return fail(element.source(), "'" + name +
                                            ".transforms' must be an array "
                                            "of tables");
        TransformSpec spec;
        std::string section = name + ".transforms";
        for (auto &&[stepKey, value] : *step) {
          std::string stepName(stepKey.str());
          double number = 0;
          if (stepName == "kind") {
            if (!getString(section, stepKey, value, spec.kind))
              return false;
            if (spec.kind != "standard" && spec.kind != "minmax" &&
                spec.kind != "cyl_to_cart" && spec.kind != "cart_to_cyl")
              return fail(value.source(),
                          "'" + section + ".kind': unknown transform '" +
                              spec.kind +
                              "' (standard, minmax, cyl_to_cart, "
                              "cart_to_cyl)");
          } else if (stepName == "columns") {
            if (!getStrings(section, stepKey, value, spec.columns))
              return false;
          } else if (stepName == "min" || stepName == "max" ||
                     stepName == "low" || stepName == "high") {
            if (!getDouble(section, stepKey, value, number))
              return false;
            if (stepName == "min")
              spec.min = number;
            else if (stepName == "max")
              spec.max = number;
            else
              (stepName == "low" ? spec.low : spec.high) = number;
          } else {
            return fail(stepKey.source(), "unknown key '" + stepName +
                                              "' in a transform of '" + name +
                                              "'");
          }
        }
        if (spec.kind.empty())
          return fail(element.source(),
                      "a transform of '" + name + "' needs a kind");
        if (spec.columns.empty())
          return fail(element.source(),
                      "a transform of '" + name + "' needs columns");
        bool coordinates =
            spec.kind == "cyl_to_cart" || spec.kind == "cart_to_cyl";
        if (coordinates && spec.columns.size() != 2)
          return fail(element.source(), "a '" + spec.kind +
                                            "' transform needs exactly two "
                                            "columns");
        if (!(spec.low < spec.high))
          return fail(element.source(),
                      "a transform of '" + name + "' needs low < high");
        if (spec.min && spec.max && !(*spec.min < *spec.max))
          return fail(element.source(),
                      "a transform of '" + name + "' needs min < max");
        config.transforms.push_back(spec);
      }
    } else if (text == "filters") {
      const toml::array *array = node.as_array();
      if (!array)
        return fail(node.source(),
                    "'" + name + ".filters' must be an array of filters");
      config.filters.clear();
      for (const toml::node &element : *array) {
        config.filters.emplace_back();
        if (!readFilter(name + ".filters", element, config.filters.back()))
          return false;
      }
    }
  }
  return true;
}

bool ConfigReader::readConv(const std::string &section, const toml::node &node,
                            std::vector<ConvSpec> &conv) {
  const std::string usage = "'" + section +
                            ".conv' must be an array of tables like "
                            "{channels = 8, kernel = 3, pool = 2}";
  const toml::array *array = node.as_array();
  if (!array)
    return fail(node.source(), usage);
  std::vector<ConvSpec> layers;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node &element = *array->get(i);
    const toml::table *table = element.as_table();
    if (!table)
      return fail(element.source(), usage);
    ConvSpec layer;
    std::string sub = section + ".conv[" + std::to_string(i) + "]";
    for (auto &&[key, value] : *table) {
      std::string name(key.str());
      int64_t integer = 0;
      if (name == "channels") {
        if (!getInt(sub, key, value, 1, 1024, integer))
          return false;
        layer.channels = static_cast<int>(integer);
      } else if (name == "kernel" || name == "stride") {
        if (!getInt(sub, key, value, 1, 64, integer))
          return false;
        (name == "kernel" ? layer.kernel : layer.stride) =
            static_cast<int>(integer);
      } else if (name == "padding") {
        if (!getInt(sub, key, value, 0, 64, integer))
          return false;
        layer.padding = static_cast<int>(integer);
      } else if (name == "pool") {
        if (!getInt(sub, key, value, INT64_MIN, INT64_MAX, integer))
          return false;
        if (integer != 0 && (integer < 2 || integer > 64))
          return fail(value.source(), "'" + sub +
                                          ".pool' must be 0 (no pooling) or "
                                          "between 2 and 64");
        layer.pool = static_cast<int>(integer);
      } else if (name == "pool_kind") {
        std::string kind;
        if (!getString(sub, key, value, kind))
          return false;
        if (kind != "max" && kind != "avg")
          return fail(value.source(),
                      "'" + sub + ".pool_kind' must be \"max\" or \"avg\"");
        layer.poolMax = kind == "max";
      } else {
        return fail(key.source(),
                    "unknown key '" + name + "' in '" + sub + "'");
      }
    }
    layers.push_back(layer);
  }
  conv = std::move(layers);
  return true;
}

bool ConfigReader::readRecurrent(const std::string &section,
                                 const toml::node &node,
                                 RecurrentSpec &recurrent) {
  const std::string usage = "'" + section +
                            ".recurrent' must be a table like { cell = "
                            "\"gru\", hidden = 32, layers = 2 }";
  const toml::table *table = node.as_table();
  if (!table)
    return fail(node.source(), usage);
  RecurrentSpec spec;
  std::string sub = section + ".recurrent";
  for (auto &&[key, value] : *table) {
    std::string name(key.str());
    int64_t integer = 0;
    if (name == "cell") {
      if (!getString(sub, key, value, spec.cell))
        return false;
      if (spec.cell != "gru" && spec.cell != "lstm" && spec.cell != "none")
        return fail(value.source(), "'" + sub +
                                        ".cell' must be \"gru\", \"lstm\" "
                                        "or \"none\"");
    } else if (name == "hidden") {
      if (!getInt(sub, key, value, 1, 1024, integer))
        return false;
      spec.hidden = static_cast<int>(integer);
    } else if (name == "layers") {
      if (!getInt(sub, key, value, 1, 8, integer))
        return false;
      spec.layers = static_cast<int>(integer);
    } else {
      return fail(key.source(), "unknown key '" + name + "' in '" + sub + "'");
    }
  }
  recurrent = spec;
  return true;
}

bool ConfigReader::readTransformer(const std::string &section,
                                   const toml::node &node,
                                   TransformerSpec &transformer) {
  const std::string usage = "'" + section +
                            ".transformer' must be a table like { width = "
                            "16, heads = 2, layers = 1 }";
  const toml::table *table = node.as_table();
  if (!table)
    return fail(node.source(), usage);
  TransformerSpec spec;
  std::string sub = section + ".transformer";
  for (auto &&[key, value] : *table) {
    std::string name(key.str());
    int64_t integer = 0;
    if (name == "width" || name == "heads" || name == "layers" ||
        name == "ff") {
      int64_t low = name == "width" || name == "ff" ? 0 : 1;
      int64_t high = name == "layers" ? 8 : 1024;
      if (!getInt(sub, key, value, low, high, integer))
        return false;
      int n = static_cast<int>(integer);
      (name == "width"    ? spec.width
       : name == "heads"  ? spec.heads
       : name == "layers" ? spec.layers
                          : spec.ff) = n;
    } else if (name == "norm" || name == "pooling") {
      std::string text;
      if (!getString(sub, key, value, text))
        return false;
      bool norm = name == "norm";
      if (norm ? text != "post" && text != "pre"
               : text != "mean" && text != "max")
        return fail(value.source(),
                    "'" + sub + "." + name + "' must be " +
                        (norm ? "\"post\" or \"pre\"" : "\"mean\" or \"max\""));
      (norm ? spec.norm : spec.pooling) = text;
    } else {
      return fail(key.source(), "unknown key '" + name + "' in '" + sub + "'");
    }
  }
  if (spec.enabled() && spec.width % spec.heads != 0)
    return fail(node.source(), "'" + sub + ".width' " +
                                   std::to_string(spec.width) +
                                   " does not split into " +
                                   std::to_string(spec.heads) + " heads");
  transformer = spec;
  return true;
}

bool ConfigReader::readGraph(const std::string &section, const toml::node &node,
                             GraphSpec &graph) {
  const std::string usage = "'" + section +
                            ".graph' must be a table like { max_nodes = 48, "
                            "max_edges = 96, iterations = 2 }";
  const toml::table *table = node.as_table();
  if (!table)
    return fail(node.source(), usage);
  GraphSpec spec;
  std::string sub = section + ".graph";
  for (auto &&[key, value] : *table) {
    std::string name(key.str());
    int64_t integer = 0;
    if (name == "max_nodes" || name == "max_edges" || name == "iterations") {
      int64_t high = name == "iterations" ? 16 : 4096;
      if (!getInt(sub, key, value, 1, high, integer))
        return false;
      int n = static_cast<int>(integer);
      (name == "max_nodes"   ? spec.maxNodes
       : name == "max_edges" ? spec.maxEdges
                             : spec.iterations) = n;
    } else if (name == "style") {
      std::string text;
      if (!getString(sub, key, value, text))
        return false;
      if (text != "interaction" && text != "incidence")
        return fail(value.source(), "'" + sub +
                                        ".style' must be \"interaction\" "
                                        "or \"incidence\"");
      spec.style = text;
    } else {
      return fail(key.source(), "unknown key '" + name + "' in '" + sub + "'");
    }
  }
  if (!spec.maxNodes || !spec.maxEdges)
    return fail(node.source(), "'" + sub +
                                   "' needs 'max_nodes' and "
                                   "'max_edges' (the capacities)");
  graph = spec;
  return true;
}

bool ConfigReader::checkGraph(const std::string &section,
                              const TrainConfig &config,
                              const Hyperparameters &hyper,
                              const toml::node *origin) {
  toml::source_region where = origin ? origin->source() : toml::source_region{};
  std::string sub = "'" + section + ".graph'";
  if (!hyper.graph.enabled()) {
    if (!config.edges.empty())
      return fail(where, "'" + section +
                             ".edges' is only read by a graph "
                             "network ('graph')");
    return true;
  }
  if (config.edges.empty())
    return fail(where, sub + " needs the global 'edges' file (the candidate "
                             "edges: event, source, target and the "
                             "targets)");
  if (!hyper.conv.empty() || hyper.recurrent.enabled() ||
      hyper.transformer.enabled())
    return fail(where, sub + " does not combine with 'conv', 'recurrent' or "
                             "'transformer'");
  if (hyper.hidden.empty())
    return fail(where, sub + ": 'hidden' gives the widths of the networks' "
                             "dense layers; it must not be empty");
  if (!config.inputShape.empty() || !config.expertColumn.empty() ||
      !config.filters.empty() || hyper.reweight.enabled)
    return fail(where, sub + ": a graph network takes no 'input_shape', "
                             "'expert_column', 'filters' or 'reweight' (its "
                             "events are graphs)");
  if (config.targets.size() != 1)
    return fail(where, sub + " classifies edges: 'targets' names the one "
                             "label column of the edges file");
  if (hyper.loss != Loss::BCE)
    return fail(where, sub + " classifies edges: set 'loss = \"bce\"'");
  if (hyper.qat || hyper.batchNorm)
    return fail(where, sub + ": 'qat' and 'batch_norm' are not supported in "
                             "a graph network");
  return true;
}

bool ConfigReader::checkLoss(const std::string &section,
                             const Hyperparameters &hyper,
                             const toml::node *origin) {
  toml::source_region where = origin ? origin->source() : toml::source_region{};
  if (hyper.loss != Loss::BCE)
    return true;
  if (hyper.outputActivation != Activation::None)
    return fail(where, "'" + section +
                           ".loss' \"bce\" applies the sigmoid itself; set "
                           "'output_activation = \"none\"'");
  if (hyper.recurrent.enabled())
    return fail(where, "'" + section +
                           ".loss' \"bce\" is not supported with recurrent "
                           "layers");
  return true;
}

bool ConfigReader::checkTransformer(const std::string &section,
                                    const std::vector<int> &inputShape,
                                    const Hyperparameters &hyper,
                                    const toml::node *origin) {
  if (!hyper.transformer.enabled())
    return true;
  toml::source_region where = origin ? origin->source() : toml::source_region{};
  std::string sub = "'" + section + ".transformer'";
  if (inputShape.size() != 2 || inputShape[1] < 2)
    return fail(where, sub + " needs the global 'input_shape' [N, F] (hits, "
                             "features per hit with the mask last, F >= 2)");
  if (!hyper.conv.empty() || hyper.recurrent.enabled())
    return fail(where, sub + " does not combine with 'conv' or 'recurrent'");
  if (hyper.qat)
    return fail(where, sub + ": quantization-aware training of a "
                             "transformer is not supported");
  if (hyper.batchNorm)
    return fail(where, sub + ": 'batch_norm' is not supported with a "
                             "transformer (it has layer norms)");
  return true;
}

bool ConfigReader::checkSequence(const std::string &section,
                                 const std::vector<int> &inputShape,
                                 const Hyperparameters &hyper,
                                 const toml::node *origin) {
  toml::source_region where = origin ? origin->source() : toml::source_region{};
  if (!hyper.recurrent.enabled()) {
    if (hyper.loss == Loss::TrackNet)
      return fail(where, "'" + section +
                             ".loss' \"tracknet\" needs recurrent layers "
                             "('recurrent')");
    return true;
  }
  if (inputShape.size() != 2)
    return fail(where, "'" + section +
                           ".recurrent' needs the global 'input_shape' "
                           "[T, F] (steps, features per step)");
  if (!hyper.hidden.empty())
    return fail(where, "'" + section +
                           ".recurrent': the heads read every step of the "
                           "recurrent layers; set 'hidden = []'");
  if (hyper.qat)
    return fail(where, "'" + section +
                           ".recurrent': quantization-aware training of "
                           "recurrent layers is not supported");
  if (hyper.batchNorm && hyper.conv.empty())
    return fail(where, "'" + section +
                           ".batch_norm' of a sequence model normalizes its "
                           "convolutional front, which it does not have");
  for (const ConvSpec &layer : hyper.conv) {
    if (layer.pool)
      return fail(where, "'" + section +
                             ".conv': a sequence model's convolutional front "
                             "does not pool");
    // Step t's ellipse must not see the hit it predicts, on step t + 1.
    if (hyper.loss == Loss::TrackNet &&
        (layer.kernel != 1 || layer.stride != 1))
      return fail(where, "'" + section +
                             ".conv': the TrackNet loss predicts each next "
                             "hit from the hits before it, so the front must "
                             "not look ahead: kernel 1, stride 1");
  }
  return true;
}

bool ConfigReader::checkConv(const std::string &section,
                             const std::vector<int> &inputShape,
                             const std::vector<ConvSpec> &conv,
                             const toml::node *origin) {
  if (conv.empty())
    return true;
  const toml::array *array = origin ? origin->as_array() : nullptr;
  auto where = [&](std::size_t layer) {
    const toml::node *element =
        array && layer < array->size() ? array->get(layer) : origin;
    return element ? element->source() : toml::source_region{};
  };
  if (inputShape.empty())
    return fail(origin ? origin->source() : toml::source_region{},
                "'" + section +
                    ".conv' needs the global 'input_shape' ([C, L] or "
                    "[C, H, W]) of the inputs it convolves");
  auto shapeText = [](const std::vector<int64_t> &sizes) {
    std::string text = "[";
    for (std::size_t i = 0; i < sizes.size(); ++i)
      text += (i ? ", " : "") + std::to_string(sizes[i]);
    return text + "]";
  };
  // The spatial sizes (without the channels) through the layers.
  std::vector<int64_t> sizes(inputShape.begin() + 1, inputShape.end());
  for (std::size_t i = 0; i < conv.size(); ++i) {
    const ConvSpec &layer = conv[i];
    std::string prefix = "'" + section + ".conv' layer " + std::to_string(i);
    for (int64_t size : sizes)
      if (convolvedSize(static_cast<int>(size), layer.kernel, layer.stride,
                        layer.padding) == 0)
        return fail(where(i),
                    prefix + ": kernel " + std::to_string(layer.kernel) +
                        " does not fit the spatial size " + shapeText(sizes) +
                        " with padding " + std::to_string(layer.padding));
    for (int64_t &size : sizes)
      size = convolvedSize(static_cast<int>(size), layer.kernel, layer.stride,
                           layer.padding);
    if (layer.pool == 0)
      continue;
    for (int64_t size : sizes)
      if (size < layer.pool)
        return fail(where(i), prefix + ": pooling " +
                                  std::to_string(layer.pool) +
                                  " makes the spatial size " +
                                  shapeText(sizes) + " empty");
    for (int64_t &size : sizes)
      size /= layer.pool;
  }
  return true;
}

bool ConfigReader::readHyper(const std::string &section,
                             const toml::table &table, Hyperparameters &hyper) {
  for (auto &&[key, node] : table) {
    std::string text(key.str());
    int64_t integer = 0;
    if (!kExpertKeys.count(text))
      continue;
    if (text == "conv") {
      if (!readConv(section, node, hyper.conv))
        return false;
    } else if (text == "recurrent") {
      if (!readRecurrent(section, node, hyper.recurrent))
        return false;
    } else if (text == "transformer") {
      if (!readTransformer(section, node, hyper.transformer))
        return false;
    } else if (text == "graph") {
      if (!readGraph(section, node, hyper.graph))
        return false;
    } else if (text == "pos_weight") {
      if (!getDouble(section, key, node, hyper.posWeight))
        return false;
      if (!(hyper.posWeight > 0 && hyper.posWeight <= 1e6))
        return fail(node.source(),
                    "'" + section + ".pos_weight' must be in (0, 1e6]");
    } else if (text == "ellipse_weight") {
      if (!getDouble(section, key, node, hyper.ellipseWeight))
        return false;
      if (!(hyper.ellipseWeight >= 0 && hyper.ellipseWeight <= 1e6))
        return fail(node.source(),
                    "'" + section + ".ellipse_weight' must be in [0, 1e6]");
    } else if (text == "hidden") {
      const toml::array *array = node.as_array();
      if (!array)
        return fail(node.source(), "'" + section +
                                       ".hidden' must be an array of layer "
                                       "sizes");
      hyper.hidden.clear();
      for (const toml::node &element : *array) {
        if (!getInt(section, key, element, 1, 1 << 20, integer))
          return false;
        hyper.hidden.push_back(static_cast<int>(integer));
      }
    } else if (text == "activation") {
      if (!getEnum(section, key, node, kActivations, hyper.activation))
        return false;
    } else if (text == "output_activation") {
      if (!getEnum(section, key, node, kActivations, hyper.outputActivation))
        return false;
    } else if (text == "batch_norm") {
      if (!getBool(section, key, node, hyper.batchNorm))
        return false;
    } else if (text == "loss") {
      if (!getEnum(section, key, node, kLosses, hyper.loss))
        return false;
    } else if (text == "huber_delta") {
      if (!getDouble(section, key, node, hyper.huberDelta))
        return false;
      if (!(hyper.huberDelta > 0))
        return fail(node.source(), "'" + section + ".huber_delta' must be > 0");
    } else if (text == "optimizer") {
      if (!getEnum(section, key, node, kOptimizers, hyper.optimizer))
        return false;
    } else if (text == "learning_rate") {
      if (!getDouble(section, key, node, hyper.learningRate))
        return false;
      if (!(hyper.learningRate > 0))
        return fail(node.source(),
                    "'" + section + ".learning_rate' must be > 0");
    } else if (text == "weight_decay") {
      if (!getDouble(section, key, node, hyper.weightDecay))
        return false;
      if (!(hyper.weightDecay >= 0))
        return fail(node.source(),
                    "'" + section + ".weight_decay' must be >= 0");
    } else if (text == "momentum") {
      if (!getDouble(section, key, node, hyper.momentum))
        return false;
      if (!(hyper.momentum >= 0 && hyper.momentum < 1))
        return fail(node.source(),
                    "'" + section + ".momentum' must be in [0, 1)");
    } else if (text == "lr_schedule") {
      if (!getEnum(section, key, node, kSchedules, hyper.schedule))
        return false;
    } else if (text == "lr_step") {
      if (!getInt(section, key, node, 1, 1000000, integer))
        return false;
      hyper.lrStep = static_cast<int>(integer);
    } else if (text == "lr_gamma") {
      if (!getDouble(section, key, node, hyper.lrGamma))
        return false;
      if (!(hyper.lrGamma > 0))
        return fail(node.source(), "'" + section + ".lr_gamma' must be > 0");
    } else if (text == "batch_size") {
      if (!getInt(section, key, node, 1, 1 << 24, integer))
        return false;
      hyper.batchSize = static_cast<int>(integer);
    } else if (text == "epochs") {
      if (!getInt(section, key, node, 1, 1000000, integer))
        return false;
      hyper.epochs = static_cast<int>(integer);
    } else if (text == "early_stopping") {
      if (!getInt(section, key, node, 0, 1000000, integer))
        return false;
      hyper.earlyStopping = static_cast<int>(integer);
    } else if (text == "seed") {
      if (!getInt(section, key, node, 0, INT64_MAX, integer))
        return false;
      hyper.seed = static_cast<uint64_t>(integer);
    } else if (text == "validation_split") {
      if (!getDouble(section, key, node, hyper.validationSplit))
        return false;
      if (!(hyper.validationSplit >= 0 && hyper.validationSplit < 1))
        return fail(node.source(),
                    "'" + section + ".validation_split' must be in [0, 1)");
    } else if (text == "qat") {
      std::string spelling;
      if (node.is_boolean() && !node.as_boolean()->get()) {
        hyper.qat.reset();
        continue;
      }
      if (!getString(section, key, node, spelling))
        return false;
      if (spelling == "none" || spelling == "float") {
        hyper.qat.reset();
        continue;
      }
      FixedFormat format;
      std::string why;
      if (!parseFixedFormat(spelling, format, why))
        return fail(node.source(), "'" + section + ".qat': " + why);
      hyper.qat = format;
    } else if (text == "reweight") {
      const toml::table *spec = node.as_table();
      if (!spec)
        return fail(node.source(),
                    "'" + section + ".reweight' must be a table");
      ReweightSpec reweight;
      reweight.enabled = true;
      std::string sub = section + ".reweight";
      for (auto &&[subKey, value] : *spec) {
        std::string name(subKey.str());
        if (name == "column") {
          if (!getString(sub, subKey, value, reweight.column))
            return false;
        } else if (name == "distribution") {
          std::string distribution;
          if (!getString(sub, subKey, value, distribution))
            return false;
          if (distribution != "normal")
            return fail(value.source(), "'" + sub +
                                            ".distribution': unknown "
                                            "distribution '" +
                                            distribution + "' (normal)");
        } else if (name == "mean") {
          if (!getDouble(sub, subKey, value, reweight.mean))
            return false;
        } else if (name == "std") {
          if (!getDouble(sub, subKey, value, reweight.std))
            return false;
          if (!(reweight.std > 0))
            return fail(value.source(), "'" + sub + ".std' must be > 0");
        } else if (name == "buckets") {
          if (!getInt(sub, subKey, value, 1, 1000000, integer))
            return false;
          reweight.buckets = static_cast<int>(integer);
        } else if (name == "min") {
          if (!getDouble(sub, subKey, value, reweight.min))
            return false;
        } else if (name == "max") {
          if (!getDouble(sub, subKey, value, reweight.max))
            return false;
        } else if (name == "outer") {
          std::string outer;
          if (!getString(sub, subKey, value, outer))
            return false;
          if (outer != "finite" && outer != "infinite")
            return fail(value.source(), "'" + sub +
                                            ".outer' must be \"finite\" or "
                                            "\"infinite\"");
          reweight.infiniteOuter = outer == "infinite";
        } else if (name == "events") {
          if (!getInt(sub, subKey, value, 0, INT64_MAX, integer))
            return false;
          reweight.events = static_cast<uint64_t>(integer);
        } else if (name == "enabled") {
          if (!getBool(sub, subKey, value, reweight.enabled))
            return false;
        } else {
          return fail(subKey.source(),
                      "unknown key '" + name + "' in '" + sub + "'");
        }
      }
      if (reweight.enabled && reweight.column.empty())
        return fail(node.source(), "'" + sub + "' needs a column");
      if (!(reweight.min < reweight.max))
        return fail(node.source(), "'" + sub + "' needs min < max");
      hyper.reweight = reweight;
    }
  }
  return true;
}

bool ConfigReader::load(const std::string &name, TrainConfig &config) {
  std::vector<std::string> known;
  names(known);
  std::string chosen = name;
  if (chosen.empty()) {
    if (known.size() != 1) {
      std::string list;
      for (const std::string &entry : known)
        list += (list.empty() ? "" : ", ") + entry;
      error = path + ": the file defines several configurations (" + list +
              "); choose one with --config";
      return false;
    }
    chosen = known.front();
  }
  toml::table merged;
  std::vector<std::string> chain;
  if (!resolve(chosen, chain, toml::source_region{}, merged))
    return false;
  TrainConfig result;
  result.name = chosen;
  result.path = path;
  if (!readGlobal(chosen, merged, result) ||
      !readHyper(chosen, merged, result.defaults))
    return false;
  for (auto &&[key, node] : merged) {
    int expert = 0;
    if (!expertKey(key.str(), expert))
      continue;
    Hyperparameters hyper = result.defaults;
    if (!readHyper(chosen + "." + std::string(key.str()), *node.as_table(),
                   hyper))
      return false;
    result.perExpert[expert] = hyper;
  }
  if (result.data.empty())
    return fail(toml::source_region{},
                "configuration '" + chosen + "' sets no 'data' file");
  if (result.inputs.empty())
    return fail(toml::source_region{},
                "configuration '" + chosen + "' sets no 'inputs'");
  if (result.targets.empty())
    return fail(toml::source_region{},
                "configuration '" + chosen + "' sets no 'targets'");
  // The convolutional front of every expert fits the input shape.
  auto origin = [&](const std::string &key) -> const toml::node * {
    auto found = origins.find(key);
    return found == origins.end() ? nullptr : found->second;
  };
  // A sequence model's front convolves the steps, features as channels.
  auto convShape = [&](const Hyperparameters &hyper) {
    std::vector<int> shape = result.inputShape;
    if (hyper.recurrent.enabled() && shape.size() == 2)
      std::swap(shape[0], shape[1]);
    return shape;
  };
  auto sequenceOrigin = [&](const std::string &prefix) {
    for (const char *key : {"recurrent", "loss", "hidden"})
      if (const toml::node *node = origin(prefix + key))
        return node;
    return static_cast<const toml::node *>(nullptr);
  };
  // A graph network first: it says which other keys it does not combine
  // with.
  if (!checkGraph(chosen, result, result.defaults,
                  origin("graph") ? origin("graph") : origin("edges")) ||
      !checkConv(chosen, convShape(result.defaults), result.defaults.conv,
                 origin("conv")) ||
      !checkSequence(chosen, result.inputShape, result.defaults,
                     sequenceOrigin("")) ||
      !checkTransformer(chosen, result.inputShape, result.defaults,
                        origin("transformer")) ||
      !checkLoss(chosen, result.defaults, origin("loss")))
    return false;
  for (const auto &[expert, hyper] : result.perExpert) {
    std::string table = "expert_" + std::to_string(expert);
    const toml::node *own = origin(table + ".conv");
    const toml::node *ownSequence = sequenceOrigin(table + ".");
    if (!checkConv(chosen + "." + table, convShape(hyper), hyper.conv,
                   own ? own : origin("conv")) ||
        !checkSequence(chosen + "." + table, result.inputShape, hyper,
                       ownSequence ? ownSequence : sequenceOrigin("")))
      return false;
    const toml::node *ownTransformer = origin(table + ".transformer");
    if (!checkTransformer(chosen + "." + table, result.inputShape, hyper,
                          ownTransformer ? ownTransformer
                                         : origin("transformer")))
      return false;
    if (hyper.graph.enabled() || origin(table + ".graph"))
      return fail(origin(table + ".graph") ? origin(table + ".graph")->source()
                                           : toml::source_region{},
                  "'" + chosen + "." + table +
                      "': a graph network trains one expert; it cannot be "
                      "set per expert");
    const toml::node *ownLoss = origin(table + ".loss");
    if (!checkLoss(chosen + "." + table, hyper,
                   ownLoss ? ownLoss : origin("loss")))
      return false;
  }
  // The events and edges files are relative to the configuration file.
  std::error_code ignored;
  for (std::string *file : {&result.data, &result.edges})
    if (!file->empty())
      *file = std::filesystem::absolute(
                  std::filesystem::path(path).parent_path() / *file, ignored)
                  .lexically_normal()
                  .string();
  config = std::move(result);
  return true;
}

/// Writes the hyperparameter keys of `hyper`.
void writeHyper(std::ostream &out, const Hyperparameters &hyper) {
  out << "conv = [";
  for (std::size_t i = 0; i < hyper.conv.size(); ++i) {
    const ConvSpec &layer = hyper.conv[i];
    out << (i ? ",\n  " : "\n  ") << "{ channels = " << layer.channels
        << ", kernel = " << layer.kernel << ", stride = " << layer.stride
        << ", padding = " << layer.padding << ", pool = " << layer.pool
        << ", pool_kind = " << quote(layer.poolMax ? "max" : "avg") << " }";
  }
  out << (hyper.conv.empty() ? "]\n" : ",\n]\n");
  out << "recurrent = { cell = " << quote(hyper.recurrent.cell)
      << ", hidden = " << hyper.recurrent.hidden
      << ", layers = " << hyper.recurrent.layers << " }\n";
  const TransformerSpec &t = hyper.transformer;
  out << "transformer = { width = " << t.width << ", heads = " << t.heads
      << ", layers = " << t.layers << ", ff = " << t.ff
      << ", norm = " << quote(t.norm) << ", pooling = " << quote(t.pooling)
      << " }\n";
  if (hyper.graph.enabled())
    out << "graph = { max_nodes = " << hyper.graph.maxNodes
        << ", max_edges = " << hyper.graph.maxEdges
        << ", iterations = " << hyper.graph.iterations
        << ", style = " << quote(hyper.graph.style) << " }\n";
  out << "hidden = [";
  for (std::size_t i = 0; i < hyper.hidden.size(); ++i)
    out << (i ? ", " : "") << hyper.hidden[i];
  out << "]\n";
  out << "activation = " << quote(activationName(hyper.activation)) << "\n";
  out << "output_activation = " << quote(activationName(hyper.outputActivation))
      << "\n";
  out << "batch_norm = " << (hyper.batchNorm ? "true" : "false") << "\n";
  out << "loss = " << quote(lossName(hyper.loss)) << "\n";
  out << "huber_delta = " << formatDouble(hyper.huberDelta) << "\n";
  out << "ellipse_weight = " << formatDouble(hyper.ellipseWeight) << "\n";
  out << "pos_weight = " << formatDouble(hyper.posWeight) << "\n";
  out << "optimizer = " << quote(optimizerName(hyper.optimizer)) << "\n";
  out << "learning_rate = " << formatDouble(hyper.learningRate) << "\n";
  out << "weight_decay = " << formatDouble(hyper.weightDecay) << "\n";
  out << "momentum = " << formatDouble(hyper.momentum) << "\n";
  out << "lr_schedule = " << quote(scheduleName(hyper.schedule)) << "\n";
  out << "lr_step = " << hyper.lrStep << "\n";
  out << "lr_gamma = " << formatDouble(hyper.lrGamma) << "\n";
  out << "batch_size = " << hyper.batchSize << "\n";
  out << "epochs = " << hyper.epochs << "\n";
  out << "early_stopping = " << hyper.earlyStopping << "\n";
  out << "seed = " << hyper.seed << "\n";
  out << "validation_split = " << formatDouble(hyper.validationSplit) << "\n";
  out << "qat = " << quote(hyper.qat ? hyper.qat->text : "none") << "\n";
  if (hyper.reweight.enabled) {
    const ReweightSpec &reweight = hyper.reweight;
    out << "reweight = { column = " << quote(reweight.column)
        << ", distribution = \"normal\", mean = " << formatDouble(reweight.mean)
        << ", std = " << formatDouble(reweight.std)
        << ", buckets = " << reweight.buckets
        << ", min = " << formatDouble(reweight.min)
        << ", max = " << formatDouble(reweight.max)
        << ", outer = " << quote(reweight.infiniteOuter ? "infinite" : "finite")
        << ", events = " << reweight.events << " }\n";
  }
}

void writeFilter(std::ostream &out, const FilterSpec &filter) {
  switch (filter.kind) {
  case FilterSpec::Kind::Range:
    out << "{ kind = \"range\", column = " << quote(filter.column);
    if (filter.min)
      out << ", min = " << formatDouble(*filter.min);
    if (filter.max)
      out << ", max = " << formatDouble(*filter.max);
    out << " }";
    return;
  case FilterSpec::Kind::First:
    out << "{ kind = \"first\", n = " << filter.count << " }";
    return;
  case FilterSpec::Kind::All:
  case FilterSpec::Kind::Any:
  case FilterSpec::Kind::Not:
    out << "{ kind = \""
        << (filter.kind == FilterSpec::Kind::All   ? "all"
            : filter.kind == FilterSpec::Kind::Any ? "any"
                                                   : "not")
        << "\", filters = [";
    for (std::size_t i = 0; i < filter.children.size(); ++i) {
      out << (i ? ", " : "");
      writeFilter(out, filter.children[i]);
    }
    out << "] }";
    return;
  }
}

} // namespace

const char *ariadne::train::activationName(Activation activation) {
  return nameOf(kActivations, activation);
}
const char *ariadne::train::lossName(Loss loss) {
  return nameOf(kLosses, loss);
}
const char *ariadne::train::optimizerName(Optimizer optimizer) {
  return nameOf(kOptimizers, optimizer);
}
const char *ariadne::train::scheduleName(LrSchedule schedule) {
  return nameOf(kSchedules, schedule);
}

const Hyperparameters &TrainConfig::forExpert(int expert) const {
  auto found = perExpert.find(expert);
  return found == perExpert.end() ? defaults : found->second;
}

std::string TrainConfig::toToml() const {
  std::ostringstream out;
  out << "# The resolved configuration '" << name << "' of " << path << ".\n";
  out << "[" << name << "]\n";
  out << "data = " << quote(data) << "\n";
  if (!edges.empty())
    out << "edges = " << quote(edges) << "\n";
  out << "inputs = " << stringArray(inputs) << "\n";
  out << "targets = " << stringArray(targets) << "\n";
  if (!inputShape.empty()) {
    out << "input_shape = [";
    for (std::size_t i = 0; i < inputShape.size(); ++i)
      out << (i ? ", " : "") << inputShape[i];
    out << "]\n";
  }
  if (!expertColumn.empty())
    out << "expert_column = " << quote(expertColumn) << "\n";
  out << "experts = [";
  for (std::size_t i = 0; i < experts.size(); ++i)
    out << (i ? ", " : "") << experts[i];
  out << "]\n";
  out << "transforms = [";
  for (std::size_t i = 0; i < transforms.size(); ++i) {
    const TransformSpec &spec = transforms[i];
    out << (i ? ",\n  " : "\n  ") << "{ kind = " << quote(spec.kind)
        << ", columns = " << stringArray(spec.columns);
    if (spec.min)
      out << ", min = " << formatDouble(*spec.min);
    if (spec.max)
      out << ", max = " << formatDouble(*spec.max);
    if (spec.kind == "minmax")
      out << ", low = " << formatDouble(spec.low)
          << ", high = " << formatDouble(spec.high);
    out << " }";
  }
  out << (transforms.empty() ? "]\n" : ",\n]\n");
  out << "filters = [";
  for (std::size_t i = 0; i < filters.size(); ++i) {
    out << (i ? ",\n  " : "\n  ");
    writeFilter(out, filters[i]);
  }
  out << (filters.empty() ? "]\n" : ",\n]\n");
  writeHyper(out, defaults);
  for (const auto &[expert, hyper] : perExpert) {
    out << "\n[" << name << ".expert_" << expert << "]\n";
    writeHyper(out, hyper);
  }
  return out.str();
}

bool ariadne::train::listConfigs(const std::string &path,
                                 std::vector<std::string> &names,
                                 std::string &error) {
  ConfigReader reader(path, error);
  return reader.parse() && reader.names(names);
}

bool ariadne::train::loadConfig(const std::string &path,
                                const std::string &name, TrainConfig &config,
                                std::string &error) {
  ConfigReader reader(path, error);
  return reader.parse() && reader.load(name, config);
}
