//===- Distributed.h - collectives for data-parallel training ---*- C++ -*-===//
//
// Data-parallel training keeps one replica of the model per process and
// averages the gradients of every step across processes with c10d (Gloo on
// CPU). Processes meet through a TCPStore served by rank 0.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_FRONTEND_TORCH_DISTRIBUTED_H
#define ARIADNE_FRONTEND_TORCH_DISTRIBUTED_H

#include <memory>
#include <string>

namespace at {
class Tensor;
} // namespace at

namespace ariadne::train {

/// Where a process sits in a data-parallel group.
struct ProcessGroupSetup {
  int rank = 0;
  int worldSize = 1;
  std::string masterAddr = "127.0.0.1";
  int masterPort = 29500;
};

/// Reads RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT (SLURM_PROCID and
/// SLURM_NTASKS where RANK and WORLD_SIZE are unset and MASTER_ADDR is set).
/// Returns false with a message on a malformed value.
bool processGroupFromEnvironment(ProcessGroupSetup &setup, std::string &error);

/// Collective operations over the processes of a group.
class Collective {
public:
  virtual ~Collective();
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// Sums `tensor` (CPU, contiguous) over all processes, in place.
  virtual void allReduceSum(at::Tensor &tensor) = 0;
  /// Copies `tensor` of process `root` to every process, in place.
  virtual void broadcast(at::Tensor &tensor, int root) = 0;
};

/// Joins the group of `setup` with Gloo over TCP; rank 0 serves the store.
std::unique_ptr<Collective> connectGloo(const ProcessGroupSetup &setup,
                                        std::string &error);

} // namespace ariadne::train

#endif // ARIADNE_FRONTEND_TORCH_DISTRIBUTED_H
