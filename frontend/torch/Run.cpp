//===- Run.cpp - one training run from a configuration --------------------===//
#include "frontend/torch/Run.h"

#include "frontend/torch/Config.h"
#include "frontend/torch/Data.h"
#include "frontend/torch/Distributed.h"
#include "frontend/torch/GraphData.h"
#include "frontend/torch/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <unistd.h>

using namespace ariadne::train;
namespace fs = std::filesystem;

namespace {

bool writeText(const std::string &path, const std::string &text,
               std::string &error) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    error = path + ": cannot write";
    return false;
  }
  return true;
}

/// Writes `rows` rows of `values` with a '#' header of `names`.
bool writeCsv(const std::string &path, const std::vector<std::string> &names,
              const std::vector<double> &values, std::string &error) {
  std::FILE *file = std::fopen(path.c_str(), "w");
  if (!file) {
    error = path + ": cannot write";
    return false;
  }
  std::fprintf(file, "#");
  for (std::size_t i = 0; i < names.size(); ++i)
    std::fprintf(file, "%s%s", i ? "," : " ", names[i].c_str());
  std::fprintf(file, "\n");
  for (std::size_t i = 0; i < values.size(); ++i)
    std::fprintf(file, "%.9g%s", values[i],
                 (i + 1) % names.size() == 0 ? "\n" : ",");
  return std::fclose(file) == 0;
}

/// Removes the run folder this invocation created when it fails.
class FolderGuard {
public:
  explicit FolderGuard(std::string path) : path(std::move(path)) {}
  ~FolderGuard() {
    if (!path.empty()) {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  }
  void keep() { path.clear(); }

private:
  std::string path;
};

/// A graph run's files: PREFIX_inputs.csv (the validation graphs as the
/// model reads them), PREFIX_outputs.csv (LibTorch's edge scores) and
/// PREFIX_edges.csv (each real edge of the validation events: its event,
/// position, end hits, label and score).
bool writeGraphRun(const std::string &prefix, const GraphSpec &graph,
                   const GraphTable &graphs,
                   const std::vector<std::string> &inputNames,
                   const ExpertData &data,
                   const std::vector<std::size_t> &valRows,
                   const std::vector<double> &scores, std::string &error) {
  int edges = graph.maxEdges;
  int features = (data.inputs - 2 * edges) / graph.maxNodes;
  std::vector<double> inputs;
  for (std::size_t i = 0; i < valRows.size(); ++i) {
    std::vector<double> row = graphModelInputs(
        graph, features,
        data.valX.data() + i * static_cast<std::size_t>(data.inputs));
    inputs.insert(inputs.end(), row.begin(), row.end());
  }
  std::vector<std::string> scoreNames,
      edgeNames = {"event", "edge", "source", "target", "label", "score"};
  for (int j = 0; j < edges; ++j)
    scoreNames.push_back("score_" + std::to_string(j));
  std::vector<double> edgeRows;
  std::size_t nodeValues = std::size_t(graph.maxNodes) * std::size_t(features);
  for (std::size_t i = 0; i < valRows.size(); ++i) {
    const float *row =
        data.valX.data() + i * static_cast<std::size_t>(data.inputs);
    for (int j = 0; j < graphs.edgeCounts[valRows[i]]; ++j)
      edgeRows.insert(edgeRows.end(),
                      {graphs.events[valRows[i]], double(j),
                       row[nodeValues + std::size_t(j)],
                       row[nodeValues + std::size_t(edges + j)],
                       data.valY[i * std::size_t(edges) + std::size_t(j)],
                       scores[i * std::size_t(edges) + std::size_t(j)]});
  }
  return writeCsv(prefix + "_inputs.csv", graphInputNames(graph, inputNames),
                  inputs, error) &&
         writeCsv(prefix + "_outputs.csv", scoreNames, scores, error) &&
         writeCsv(prefix + "_edges.csv", edgeNames, edgeRows, error);
}

std::string names(const EventTable &table, const std::vector<int> &columns) {
  std::string text;
  for (int column : columns)
    text += (text.empty() ? "" : ",") + table.columns[column];
  return text;
}

} // namespace

bool ariadne::train::runTraining(const RunOptions &options,
                                 std::string &error) {
  TrainConfig config;
  if (!loadConfig(options.configPath, options.configName, config, error))
    return false;
  if (!options.dataOverride.empty())
    config.data = options.dataOverride;

  ProcessGroupSetup setup;
  if (!processGroupFromEnvironment(setup, error))
    return false;

  // Read and check everything before creating anything.
  EventTable raw;
  if (!readEventCsv(config.data, raw, error))
    return false;
  std::vector<int> inputColumns, targetColumns;
  std::string why;
  if (!raw.match(config.inputs, inputColumns, why)) {
    error = config.data + ": inputs of '" + config.name + "': " + why;
    return false;
  }
  // A graph network's events are the padded graphs of the hits and edges
  // (the transforms act on the hits).
  const GraphSpec &graph = config.defaults.graph;
  TransformChain transforms;
  std::vector<std::string> transformColumns;
  GraphTable graphs;
  // The hits and their feature columns.
  EventTable featureTable;
  std::vector<int> featureColumns;
  if (graph.enabled()) {
    EventTable edges, hits = raw;
    if (!readEventCsv(config.edges, edges, error))
      return false;
    if (!transforms.fit(config.transforms, hits, error)) {
      error = config.path + ": '" + config.name + "': " + error;
      return false;
    }
    if (!buildGraphs(hits, config.data, inputColumns, edges, config.edges,
                     config.targets.front(), graph, graphs, error))
      return false;
    transformColumns = hits.columns;
    featureTable = raw;
    featureColumns = inputColumns;
    raw = graphs.table;
    inputColumns = graphs.inputs;
    targetColumns = graphs.targets;
  } else if (!raw.match(config.targets, targetColumns, why)) {
    error = config.data + ": targets of '" + config.name + "': " + why;
    return false;
  }
  int expertColumn = -1;
  if (!config.expertColumn.empty()) {
    expertColumn = raw.find(config.expertColumn);
    if (expertColumn < 0) {
      error = config.data + ": no expert column '" + config.expertColumn +
              "' in the events";
      return false;
    }
  }
  std::vector<std::size_t> keep;
  if (!applyFilters(raw, config.filters, keep, error)) {
    error = config.data + ": " + error;
    return false;
  }
  std::size_t read = raw.rows();
  raw = raw.select(keep);
  if (read == 0) {
    error = config.data + ": the file has no events (no data rows)";
    return false;
  }
  if (raw.rows() == 0) {
    error = config.data + ": none of its " + std::to_string(read) +
            " events passes the filters of '" + config.name + "'";
    return false;
  }
  // The expert of every event.
  std::vector<int> expertOf(raw.rows(), 0);
  std::set<int> found;
  for (std::size_t row = 0; row < raw.rows(); ++row) {
    if (expertColumn >= 0) {
      double id = raw.at(row, expertColumn);
      if (id != std::floor(id) || id < 0 || id > 1e6) {
        error = config.data + ": event " + std::to_string(row + 1) +
                " (after filters): expert id " + std::to_string(id) +
                " is not a non-negative integer";
        return false;
      }
      expertOf[row] = static_cast<int>(id);
    }
    found.insert(expertOf[row]);
  }
  std::vector<int> experts = config.experts;
  if (experts.empty())
    experts.assign(found.begin(), found.end());
  for (int expert : experts) {
    if (!found.count(expert)) {
      error = config.data + ": no event of expert " + std::to_string(expert) +
              " passes the filters of '" + config.name + "'";
      return false;
    }
  }
  config.experts = experts;
  for (const auto &[expert, hyper] : config.perExpert) {
    (void)hyper;
    if (!std::count(experts.begin(), experts.end(), expert)) {
      error = config.path + ": '" + config.name + ".expert_" +
              std::to_string(expert) +
              "' overrides an expert that is not trained";
      return false;
    }
  }
  EventTable prepared = raw;
  if (!graph.enabled()) {
    if (!transforms.fit(config.transforms, prepared, error)) {
      error = config.path + ": '" + config.name + "': " + error;
      return false;
    }
    transformColumns = prepared.columns;
  }
  for (int expert : experts) {
    const ReweightSpec &reweight = config.forExpert(expert).reweight;
    if (reweight.enabled && raw.find(reweight.column) < 0) {
      error = config.path + ": '" + config.name + "': reweight: no column '" +
              reweight.column + "' in the events";
      return false;
    }
  }

  std::string runDir = options.outputDir + "/" + config.name;
  bool writer = setup.rank == 0;
  std::error_code code;
  if (writer && !options.resume && fs::exists(runDir, code) &&
      !fs::is_empty(runDir, code)) {
    error = runDir + " already holds a run; pass --resume to continue it or "
                     "choose another -o";
    return false;
  }
  if (options.resume && !fs::is_directory(runDir, code)) {
    error = runDir + ": no run to resume";
    return false;
  }

  std::unique_ptr<Collective> group;
  if (setup.worldSize > 1) {
    group = connectGloo(setup, error);
    if (!group)
      return false;
  }

  bool created = writer && !fs::exists(runDir, code);
  if (writer) {
    fs::create_directories(runDir, code);
    if (code) {
      error = runDir + ": cannot create the run folder: " + code.message();
      return false;
    }
  }
  FolderGuard guard(created ? runDir : "");
  std::string rankDir = runDir;
  if (!writer && options.allRanksWrite) {
    rankDir = runDir + "/rank_" + std::to_string(setup.rank);
    fs::create_directories(rankDir, code);
  }

  std::FILE *metrics = nullptr;
  // Classifiers report their efficiency and purity per epoch.
  bool classifier = false;
  for (int expert : experts)
    classifier |= config.forExpert(expert).loss == Loss::BCE;
  // A resumed run keeps its configuration files until it has trained with
  // the new ones.
  auto writeConfigFiles = [&] {
    return writeText(runDir + "/config.toml", config.toToml(), error) &&
           writeText(runDir + "/transforms.toml",
                     transforms.toToml(transformColumns), error);
  };
  if (writer) {
    if (!options.resume && !writeConfigFiles())
      return false;
    std::string metricsPath = runDir + "/metrics.csv";
    bool fresh = !fs::exists(metricsPath, code);
    metrics = std::fopen(metricsPath.c_str(), "a");
    if (!metrics) {
      error = metricsPath + ": cannot write";
      return false;
    }
    if (fresh)
      std::fprintf(metrics,
                   "expert,epoch,train_loss,val_loss,learning_rate,seconds%s\n",
                   classifier ? ",efficiency,purity" : "");
  }
  // Closed before the guard may remove the folder.
  std::unique_ptr<std::FILE, int (*)(std::FILE *)> metricsCloser(
      metrics, [](std::FILE *file) { return file ? std::fclose(file) : 0; });

  TrainerOptions trainer;
  trainer.runDir = runDir;
  trainer.resume = options.resume;
  trainer.stopAfterEpochs = options.stopAfterEpochs;
  trainer.progress =
      options.progress > 0 || (options.progress < 0 && isatty(2));
  trainer.metrics = metrics;
  trainer.classifierMetrics = classifier;
  trainer.writer = writer;
  trainer.collective = group.get();

  std::vector<std::string> inputNames, targetNames;
  for (int column : inputColumns)
    inputNames.push_back(raw.columns[column]);
  for (int column : targetColumns)
    targetNames.push_back(raw.columns[column]);

  auto started = std::chrono::steady_clock::now();
  bool allFinished = true;
  for (int expert : experts) {
    const Hyperparameters &hyper = config.forExpert(expert);
    std::vector<std::size_t> rows;
    for (std::size_t row = 0; row < raw.rows(); ++row)
      if (expertOf[row] == expert)
        rows.push_back(row);
    seededShuffle(rows,
                  hyper.seed * 1000003ULL + static_cast<uint64_t>(expert));
    std::size_t valCount = static_cast<std::size_t>(
        std::floor(static_cast<double>(rows.size()) * hyper.validationSplit));
    std::vector<std::size_t> valRows(rows.begin(), rows.begin() + valCount);
    std::vector<std::size_t> trainRows(rows.begin() + valCount, rows.end());
    // Validation events keep file order.
    std::sort(valRows.begin(), valRows.end());
    if (hyper.reweight.enabled) {
      std::vector<std::size_t> chosen;
      if (!reweightRows(raw, hyper.reweight, trainRows, hyper.seed, chosen,
                        error)) {
        error = "expert " + std::to_string(expert) + ": " + error;
        return false;
      }
      trainRows = chosen;
    }
    ExpertData data;
    data.inputs = static_cast<int>(inputColumns.size());
    data.inputShape = config.inputShape;
    if (!data.inputShape.empty()) {
      long long size = 1;
      for (int d : data.inputShape)
        size *= d;
      if (size != data.inputs) {
        error = config.path + ": input_shape of '" + config.name + "' holds " +
                std::to_string(size) + " values, but inputs names " +
                std::to_string(data.inputs) + " columns";
        return false;
      }
    }
    data.outputs = static_cast<int>(targetColumns.size());
    auto gather = [&](const std::vector<std::size_t> &which,
                      const std::vector<int> &columns,
                      std::vector<float> &out) {
      for (std::size_t row : which)
        for (int column : columns)
          out.push_back(static_cast<float>(prepared.at(row, column)));
    };
    gather(trainRows, inputColumns, data.trainX);
    gather(trainRows, targetColumns, data.trainY);
    gather(valRows, inputColumns, data.valX);
    gather(valRows, targetColumns, data.valY);

    auto expertStart = std::chrono::steady_clock::now();
    ExpertResult result;
    if (!trainExpert(expert, hyper, data, trainer, result, error))
      return false;
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - expertStart)
                         .count();
    if (!result.finished) {
      allFinished = false;
      if (writer && !options.quiet)
        std::printf("expert %d: stopped after epoch %d; resume with --resume\n",
                    expert, result.epochs);
      continue;
    }
    std::string prefix = "expert_" + std::to_string(expert);
    result.model.name = config.name + "_" + prefix;
    result.model.metadata = {{"ariadne.config", config.name},
                             {"ariadne.expert", std::to_string(expert)},
                             {"ariadne.inputs", names(raw, inputColumns)},
                             {"ariadne.targets", names(raw, targetColumns)}};
    if (graph.enabled())
      result.model.metadata = {
          {"ariadne.config", config.name},
          {"ariadne.node_features", names(featureTable, featureColumns)},
          {"ariadne.edge_label", config.targets.front()}};
    if (!writer) {
      if (options.allRanksWrite &&
          !writeOnnx(result.model, rankDir + "/" + prefix + ".onnx", error))
        return false;
      continue;
    }
    if (!writeOnnx(result.model, runDir + "/" + prefix + ".onnx", error))
      return false;
    std::vector<double> inputs(data.valX.begin(), data.valX.end());
    std::vector<double> outputs(result.valPredictions.begin(),
                                result.valPredictions.end());
    if (graph.enabled()) {
      if (!writeGraphRun(runDir + "/" + prefix, graph, graphs, inputNames, data,
                         valRows, outputs, error))
        return false;
      if (!options.quiet)
        std::printf("expert %d: %zu training and %zu validation graphs, %d "
                    "epochs, best validation loss %.6g (%.1f s) -> %s.onnx\n",
                    expert, trainRows.size(), valRows.size(), result.epochs,
                    result.bestLoss, seconds, (runDir + "/" + prefix).c_str());
      continue;
    }
    // The TrackNet loss predicts an ellipse per pair of targets (the next
    // hit): its centre is the prediction of the targets.
    bool ellipses = hyper.loss == Loss::TrackNet;
    std::vector<std::string> outputNames = targetNames;
    if (ellipses) {
      outputNames.clear();
      for (std::size_t t = 0; t + 1 < targetNames.size(); t += 2)
        for (const char *part : {"centre_", "radius_"})
          for (std::size_t k = t; k < t + 2; ++k)
            outputNames.push_back(part + targetNames[k]);
    }
    std::size_t width = outputNames.size();
    // True and predicted targets in the units of the events file.
    std::vector<std::string> predictionNames;
    for (const std::string &name : targetNames)
      predictionNames.push_back("true_" + name);
    for (const std::string &name : targetNames)
      predictionNames.push_back("pred_" + name);
    std::vector<double> predictions;
    for (std::size_t i = 0; i < valRows.size(); ++i) {
      std::vector<double> row(
          prepared.values.begin() + valRows[i] * prepared.columns.size(),
          prepared.values.begin() + (valRows[i] + 1) * prepared.columns.size());
      for (std::size_t t = 0; t < targetColumns.size(); ++t)
        row[targetColumns[t]] =
            outputs[i * width + (ellipses ? (t / 2) * 4 + t % 2 : t)];
      transforms.invert(row);
      for (int column : targetColumns)
        predictions.push_back(raw.at(valRows[i], column));
      for (int column : targetColumns)
        predictions.push_back(row[column]);
    }
    if (!writeCsv(runDir + "/" + prefix + "_inputs.csv", inputNames, inputs,
                  error) ||
        !writeCsv(runDir + "/" + prefix + "_outputs.csv", outputNames, outputs,
                  error) ||
        !writeCsv(runDir + "/" + prefix + "_predictions.csv", predictionNames,
                  predictions, error))
      return false;
    if (!options.quiet)
      std::printf("expert %d: %zu training and %zu validation events, %d "
                  "epochs, best validation loss %.6g (%.1f s) -> %s.onnx\n",
                  expert, trainRows.size(), valRows.size(), result.epochs,
                  result.bestLoss, seconds, (runDir + "/" + prefix).c_str());
  }
  double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  if (writer && !options.quiet && allFinished)
    std::printf("trained %zu expert%s in %.1f s: %s\n", experts.size(),
                experts.size() == 1 ? "" : "s", total, runDir.c_str());
  if (writer && options.resume && !writeConfigFiles())
    return false;
  guard.keep();
  return true;
}
