//===- Data.cpp - events, transforms, filters and reweighting -------------===//
#include "frontend/torch/Data.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fnmatch.h>
#include <fstream>
#include <limits>
#include <sstream>

using namespace ariadne::train;

namespace {

/// SplitMix64: a small generator whose output depends on the seed alone.
class SplitMix {
public:
  explicit SplitMix(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// A value in [0, bound).
  uint64_t below(uint64_t bound) { return next() % bound; }

private:
  uint64_t state;
};

std::string trim(const std::string &text) {
  std::size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos)
    return "";
  std::size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> splitFields(const std::string &line) {
  std::vector<std::string> fields(1);
  for (char c : line) {
    if (c == ',')
      fields.emplace_back();
    else
      fields.back() += c;
  }
  for (std::string &field : fields)
    field = trim(field);
  return fields;
}

std::string formatDouble(double value) {
  char text[40];
  std::snprintf(text, sizeof(text), "%.17g", value);
  std::string result = text;
  if (result.find_first_of(".eEn") == std::string::npos)
    result += ".0";
  return result;
}

bool passes(const EventTable &table, std::size_t row, const FilterSpec &filter,
            const std::vector<int> &columnOf, std::size_t &next,
            std::vector<uint64_t> &firstCounts);

/// Resolves the columns of every range filter, depth first; `columnOf`
/// gets one entry per filter node in that order.
bool resolveFilterColumns(const EventTable &table, const FilterSpec &filter,
                          std::vector<int> &columnOf, std::string &error) {
  int column = -1;
  if (filter.kind == FilterSpec::Kind::Range) {
    column = table.find(filter.column);
    if (column < 0) {
      error = "filter: no column '" + filter.column + "' in the events";
      return false;
    }
  }
  columnOf.push_back(column);
  for (const FilterSpec &child : filter.children)
    if (!resolveFilterColumns(table, child, columnOf, error))
      return false;
  return true;
}

/// Skips the nodes of `filter` in the depth-first numbering.
void skipFilter(const FilterSpec &filter, std::size_t &next) {
  ++next;
  for (const FilterSpec &child : filter.children)
    skipFilter(child, next);
}

bool passes(const EventTable &table, std::size_t row, const FilterSpec &filter,
            const std::vector<int> &columnOf, std::size_t &next,
            std::vector<uint64_t> &firstCounts) {
  std::size_t self = next++;
  switch (filter.kind) {
  case FilterSpec::Kind::Range: {
    double value = table.at(row, static_cast<std::size_t>(columnOf[self]));
    return (!filter.min || value >= *filter.min) &&
           (!filter.max || value <= *filter.max);
  }
  case FilterSpec::Kind::First:
    if (firstCounts[self] >= filter.count)
      return false;
    ++firstCounts[self];
    return true;
  case FilterSpec::Kind::All:
  case FilterSpec::Kind::Any: {
    bool all = filter.kind == FilterSpec::Kind::All;
    bool result = all;
    for (const FilterSpec &child : filter.children) {
      // Short-circuit, but keep the numbering of the skipped nodes.
      if (result != all) {
        skipFilter(child, next);
        continue;
      }
      // A failure decides `all`, a pass decides `any`.
      bool pass = passes(table, row, child, columnOf, next, firstCounts);
      if (pass != all)
        result = pass;
    }
    return result;
  }
  case FilterSpec::Kind::Not:
    return !passes(table, row, filter.children.front(), columnOf, next,
                   firstCounts);
  }
  return false;
}

double normalCdf(double x, double mean, double std) {
  if (std::isinf(x))
    return x < 0 ? 0.0 : 1.0;
  return 0.5 * std::erfc(-(x - mean) / (std * std::sqrt(2.0)));
}

} // namespace

int EventTable::find(const std::string &name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name)
      return static_cast<int>(i);
  return -1;
}

bool EventTable::match(const std::vector<std::string> &patterns,
                       std::vector<int> &indices, std::string &error) const {
  indices.clear();
  for (const std::string &pattern : patterns) {
    std::size_t before = indices.size();
    if (pattern.find_first_of("*?[") != std::string::npos) {
      for (std::size_t i = 0; i < columns.size(); ++i)
        if (fnmatch(pattern.c_str(), columns[i].c_str(), 0) == 0)
          indices.push_back(static_cast<int>(i));
    } else if (int index = find(pattern); index >= 0) {
      indices.push_back(index);
    }
    if (indices.size() == before) {
      error = "no column '" + pattern + "' in the events";
      return false;
    }
  }
  return true;
}

EventTable EventTable::select(const std::vector<std::size_t> &keep) const {
  EventTable result;
  result.columns = columns;
  result.values.reserve(keep.size() * columns.size());
  for (std::size_t row : keep)
    result.values.insert(result.values.end(),
                         values.begin() + row * columns.size(),
                         values.begin() + (row + 1) * columns.size());
  return result;
}

bool ariadne::train::readEventCsv(const std::string &path, EventTable &table,
                                  std::string &error) {
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot open the events file";
    return false;
  }
  EventTable result;
  std::string line;
  std::size_t lineNumber = 0;
  while (std::getline(in, line)) {
    ++lineNumber;
    std::string text = trim(line);
    if (text.empty())
      continue;
    if (result.columns.empty()) {
      if (text.front() == '#')
        text = trim(text.substr(1));
      result.columns = splitFields(text);
      for (std::size_t i = 0; i < result.columns.size(); ++i) {
        const std::string &name = result.columns[i];
        if (name.empty()) {
          error = path + ":" + std::to_string(lineNumber) +
                  ": the header names no column " + std::to_string(i + 1);
          return false;
        }
        if (result.find(name) != static_cast<int>(i)) {
          error = path + ":" + std::to_string(lineNumber) + ": column '" +
                  name + "' appears twice in the header";
          return false;
        }
      }
      continue;
    }
    std::vector<std::string> fields = splitFields(text);
    if (fields.size() != result.columns.size()) {
      error = path + ":" + std::to_string(lineNumber) + ": " +
              std::to_string(fields.size()) + " values, the header names " +
              std::to_string(result.columns.size()) + " columns";
      return false;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      char *end = nullptr;
      errno = 0;
      double value = std::strtod(fields[i].c_str(), &end);
      if (fields[i].empty() || *end != '\0' || !std::isfinite(value)) {
        error = path + ":" + std::to_string(lineNumber) + ": column '" +
                result.columns[i] + "': expected a finite number, got '" +
                fields[i] + "'";
        return false;
      }
      result.values.push_back(value);
    }
  }
  if (result.columns.empty()) {
    error = path + ": the events file is empty (it needs a header line)";
    return false;
  }
  table = std::move(result);
  return true;
}

bool ariadne::train::applyFilters(const EventTable &table,
                                  const std::vector<FilterSpec> &filters,
                                  std::vector<std::size_t> &keep,
                                  std::string &error) {
  std::vector<int> columnOf;
  for (const FilterSpec &filter : filters)
    if (!resolveFilterColumns(table, filter, columnOf, error))
      return false;
  std::vector<uint64_t> firstCounts(columnOf.size(), 0);
  keep.clear();
  for (std::size_t row = 0; row < table.rows(); ++row) {
    std::size_t next = 0;
    bool pass = true;
    for (const FilterSpec &filter : filters) {
      if (!pass) {
        skipFilter(filter, next);
        continue;
      }
      pass = passes(table, row, filter, columnOf, next, firstCounts);
    }
    if (pass)
      keep.push_back(row);
  }
  return true;
}

bool TransformChain::fit(const std::vector<TransformSpec> &specs,
                         EventTable &table, std::string &error) {
  fitted.clear();
  for (const TransformSpec &spec : specs) {
    FittedTransform step;
    step.spec = spec;
    std::string why;
    if (!table.match(spec.columns, step.columns, why)) {
      error = "transform '" + spec.kind + "': " + why;
      return false;
    }
    if ((spec.kind == "cyl_to_cart" || spec.kind == "cart_to_cyl") &&
        step.columns.size() != 2) {
      error = "transform '" + spec.kind + "' needs exactly two columns";
      return false;
    }
    std::size_t rows = table.rows();
    for (int column : step.columns) {
      double a = 0, b = 1;
      if (spec.kind == "standard") {
        double sum = 0, squares = 0;
        for (std::size_t row = 0; row < rows; ++row)
          sum += table.at(row, column);
        a = rows ? sum / static_cast<double>(rows) : 0.0;
        for (std::size_t row = 0; row < rows; ++row)
          squares += (table.at(row, column) - a) * (table.at(row, column) - a);
        b = rows ? std::sqrt(squares / static_cast<double>(rows)) : 1.0;
        // A constant column is centred but not scaled.
        if (!(b > 0))
          b = 1.0;
      } else if (spec.kind == "minmax") {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (std::size_t row = 0; row < rows; ++row) {
          lo = std::min(lo, table.at(row, column));
          hi = std::max(hi, table.at(row, column));
        }
        a = spec.min ? *spec.min : lo;
        b = spec.max ? *spec.max : hi;
        if (!(b > a)) {
          error = "transform 'minmax': column '" + table.columns[column] +
                  "' has no range to scale (min = max)";
          return false;
        }
      }
      step.first.push_back(a);
      step.second.push_back(b);
    }
    fitted.push_back(step);
    std::vector<FittedTransform> single = {step};
    TransformChain one;
    one.fitted = single;
    one.apply(table);
  }
  return true;
}

void TransformChain::apply(EventTable &table) const {
  for (const FittedTransform &step : fitted) {
    for (std::size_t row = 0; row < table.rows(); ++row) {
      if (step.spec.kind == "cyl_to_cart") {
        double r = table.at(row, step.columns[0]);
        double phi = table.at(row, step.columns[1]);
        table.at(row, step.columns[0]) = r * std::cos(phi);
        table.at(row, step.columns[1]) = r * std::sin(phi);
      } else if (step.spec.kind == "cart_to_cyl") {
        double x = table.at(row, step.columns[0]);
        double y = table.at(row, step.columns[1]);
        table.at(row, step.columns[0]) = std::hypot(x, y);
        table.at(row, step.columns[1]) = std::atan2(y, x);
      } else {
        for (std::size_t i = 0; i < step.columns.size(); ++i) {
          double &value = table.at(row, step.columns[i]);
          if (step.spec.kind == "standard")
            value = (value - step.first[i]) / step.second[i];
          else
            value = step.spec.low + (value - step.first[i]) /
                                        (step.second[i] - step.first[i]) *
                                        (step.spec.high - step.spec.low);
        }
      }
    }
  }
}

void TransformChain::invert(std::vector<double> &row) const {
  for (auto step = fitted.rbegin(); step != fitted.rend(); ++step) {
    if (step->spec.kind == "cyl_to_cart") {
      double x = row[step->columns[0]], y = row[step->columns[1]];
      row[step->columns[0]] = std::hypot(x, y);
      row[step->columns[1]] = std::atan2(y, x);
    } else if (step->spec.kind == "cart_to_cyl") {
      double r = row[step->columns[0]], phi = row[step->columns[1]];
      row[step->columns[0]] = r * std::cos(phi);
      row[step->columns[1]] = r * std::sin(phi);
    } else {
      for (std::size_t i = 0; i < step->columns.size(); ++i) {
        double &value = row[step->columns[i]];
        if (step->spec.kind == "standard")
          value = value * step->second[i] + step->first[i];
        else
          value = step->first[i] + (value - step->spec.low) /
                                       (step->spec.high - step->spec.low) *
                                       (step->second[i] - step->first[i]);
      }
    }
  }
}

std::string
TransformChain::toToml(const std::vector<std::string> &columns) const {
  std::ostringstream out;
  out << "# The fitted transforms, in the order they are applied:\n"
         "# standard: (x - mean) / std; minmax: low + (x - min) / (max - "
         "min) * (high - low).\n";
  for (const FittedTransform &step : fitted) {
    out << "\n[[transform]]\nkind = \"" << step.spec.kind << "\"\n";
    out << "columns = [";
    for (std::size_t i = 0; i < step.columns.size(); ++i)
      out << (i ? ", " : "") << "\"" << columns[step.columns[i]] << "\"";
    out << "]\n";
    if (step.spec.kind == "standard" || step.spec.kind == "minmax") {
      const char *firstName = step.spec.kind == "standard" ? "mean" : "min";
      const char *secondName = step.spec.kind == "standard" ? "std" : "max";
      out << firstName << " = [";
      for (std::size_t i = 0; i < step.first.size(); ++i)
        out << (i ? ", " : "") << formatDouble(step.first[i]);
      out << "]\n" << secondName << " = [";
      for (std::size_t i = 0; i < step.second.size(); ++i)
        out << (i ? ", " : "") << formatDouble(step.second[i]);
      out << "]\n";
      if (step.spec.kind == "minmax")
        out << "low = " << formatDouble(step.spec.low)
            << "\nhigh = " << formatDouble(step.spec.high) << "\n";
    }
  }
  return out.str();
}

void ariadne::train::reweightBuckets(const ReweightSpec &spec,
                                     std::vector<double> &edges,
                                     std::vector<double> &probabilities) {
  edges.assign(static_cast<std::size_t>(spec.buckets) + 1, 0.0);
  for (int i = 0; i <= spec.buckets; ++i)
    edges[i] = spec.min + (spec.max - spec.min) * i / spec.buckets;
  if (spec.infiniteOuter) {
    edges.front() = -std::numeric_limits<double>::infinity();
    edges.back() = std::numeric_limits<double>::infinity();
  }
  probabilities.assign(static_cast<std::size_t>(spec.buckets), 0.0);
  double total = 0;
  for (int i = 0; i < spec.buckets; ++i) {
    probabilities[i] = normalCdf(edges[i + 1], spec.mean, spec.std) -
                       normalCdf(edges[i], spec.mean, spec.std);
    total += probabilities[i];
  }
  for (double &probability : probabilities)
    probability = total > 0 ? probability / total : 0.0;
}

bool ariadne::train::reweightRows(const EventTable &table,
                                  const ReweightSpec &spec,
                                  const std::vector<std::size_t> &rows,
                                  uint64_t seed,
                                  std::vector<std::size_t> &chosen,
                                  std::string &error) {
  int column = table.find(spec.column);
  if (column < 0) {
    error = "reweight: no column '" + spec.column + "' in the events";
    return false;
  }
  std::vector<double> edges, probabilities;
  reweightBuckets(spec, edges, probabilities);
  std::vector<std::vector<std::size_t>> members(probabilities.size());
  for (std::size_t row : rows) {
    double value = table.at(row, column);
    if (!(value >= edges.front() && value <= edges.back()))
      continue;
    auto upper = std::upper_bound(edges.begin() + 1, edges.end() - 1, value);
    members[static_cast<std::size_t>(upper - edges.begin() - 1)].push_back(row);
  }
  uint64_t total = spec.events ? spec.events : rows.size();
  // Largest remainders, so that the counts add up to the total.
  std::vector<uint64_t> counts(probabilities.size());
  std::vector<std::pair<double, std::size_t>> remainders;
  uint64_t assigned = 0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    double exact = probabilities[i] * static_cast<double>(total);
    counts[i] = static_cast<uint64_t>(std::floor(exact));
    assigned += counts[i];
    remainders.emplace_back(-(exact - std::floor(exact)), i);
  }
  std::sort(remainders.begin(), remainders.end());
  for (std::size_t i = 0; assigned < total && i < remainders.size(); ++i) {
    ++counts[remainders[i].second];
    ++assigned;
  }
  SplitMix generator(seed ^ 0x5eed5eed5eedULL);
  chosen.clear();
  for (std::size_t bucket = 0; bucket < members.size(); ++bucket) {
    if (members[bucket].empty())
      continue;
    for (uint64_t i = 0; i < counts[bucket]; ++i)
      chosen.push_back(
          members[bucket][generator.below(members[bucket].size())]);
  }
  if (chosen.empty()) {
    error = "reweight: no event of column '" + spec.column +
            "' falls into the buckets";
    return false;
  }
  return true;
}

void ariadne::train::seededShuffle(std::vector<std::size_t> &values,
                                   uint64_t seed) {
  SplitMix generator(seed);
  for (std::size_t i = values.size(); i > 1; --i)
    std::swap(values[i - 1], values[generator.below(i)]);
}
