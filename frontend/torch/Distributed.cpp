//===- Distributed.cpp - collectives for data-parallel training -----------===//
#include "frontend/torch/Distributed.h"

#include <ATen/ATen.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>

using namespace ariadne::train;

namespace {

/// Parses a whole non-negative decimal integer.
bool parseCount(const char *text, long &value) {
  if (!text || !*text)
    return false;
  char *end = nullptr;
  value = std::strtol(text, &end, 10);
  return *end == '\0' && value >= 0;
}

class GlooCollective : public Collective {
public:
  GlooCollective(int rank, int size, c10::intrusive_ptr<c10d::Store> store,
                 c10::intrusive_ptr<c10d::ProcessGroupGloo> group)
      : rankId(rank), worldSize(size), store(std::move(store)),
        group(std::move(group)) {}

  int rank() const override { return rankId; }
  int size() const override { return worldSize; }

  void allReduceSum(at::Tensor &tensor) override {
    std::vector<at::Tensor> tensors = {tensor};
    group->allreduce(tensors)->wait();
  }

  void broadcast(at::Tensor &tensor, int root) override {
    std::vector<at::Tensor> tensors = {tensor};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    group->broadcast(tensors, options)->wait();
  }

private:
  int rankId, worldSize;
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

} // namespace

Collective::~Collective() = default;

bool ariadne::train::processGroupFromEnvironment(ProcessGroupSetup &setup,
                                                 std::string &error) {
  const char *rank = std::getenv("RANK");
  const char *size = std::getenv("WORLD_SIZE");
  // Under srun with a rendezvous address, Slurm numbers the processes; a
  // single process in an allocation of several tasks trains alone.
  if (std::getenv("MASTER_ADDR")) {
    if (!rank)
      rank = std::getenv("SLURM_PROCID");
    if (!size)
      size = std::getenv("SLURM_NTASKS");
  }
  long value = 0;
  if (size) {
    if (!parseCount(size, value) || value < 1 || value > 65536) {
      error = std::string("WORLD_SIZE must be a positive integer, got '") +
              size + "'";
      return false;
    }
    setup.worldSize = static_cast<int>(value);
  }
  if (rank) {
    if (!parseCount(rank, value) || value >= setup.worldSize) {
      error = std::string("RANK must be an integer in [0, WORLD_SIZE), got '") +
              rank + "'";
      return false;
    }
    setup.rank = static_cast<int>(value);
  }
  if (const char *addr = std::getenv("MASTER_ADDR"); addr && *addr)
    setup.masterAddr = addr;
  if (const char *port = std::getenv("MASTER_PORT")) {
    if (!parseCount(port, value) || value < 1 || value > 65535) {
      error =
          std::string("MASTER_PORT must be a port number, got '") + port + "'";
      return false;
    }
    setup.masterPort = static_cast<int>(value);
  }
  return true;
}

std::unique_ptr<Collective>
ariadne::train::connectGloo(const ProcessGroupSetup &setup,
                            std::string &error) {
  try {
    c10d::TCPStoreOptions storeOptions;
    storeOptions.port = static_cast<std::uint16_t>(setup.masterPort);
    storeOptions.isServer = setup.rank == 0;
    storeOptions.numWorkers = static_cast<std::size_t>(setup.worldSize);
    storeOptions.waitWorkers = true;
    storeOptions.timeout = std::chrono::seconds(120);
    auto store =
        c10::make_intrusive<c10d::TCPStore>(setup.masterAddr, storeOptions);
    auto options = c10d::ProcessGroupGloo::Options::create();
    // On loopback every process binds to it; across machines Gloo picks
    // the interface of GLOO_SOCKET_IFNAME, or of the host's name.
    bool loopback =
        setup.masterAddr == "127.0.0.1" || setup.masterAddr == "localhost";
    const char *interface = std::getenv("GLOO_SOCKET_IFNAME");
    if (interface && *interface)
      options->devices.push_back(
          c10d::ProcessGroupGloo::createDeviceForInterface(interface));
    else if (loopback)
      options->devices.push_back(
          c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else
      options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(
        store, setup.rank, setup.worldSize, options);
    return std::make_unique<GlooCollective>(setup.rank, setup.worldSize, store,
                                            group);
  } catch (const std::exception &e) {
    error = "cannot join the process group at " + setup.masterAddr + ":" +
            std::to_string(setup.masterPort) + ": " + e.what();
    return nullptr;
  }
}
