//===- TensorBoard.h - scalar summaries in TensorBoard files ----*- C++ -*-===//
//
// Writes TensorBoard event files: TFRecord framing (length, masked CRC32C of
// the length, data, masked CRC32C of the data) around tensorflow.Event
// protobuf messages carrying scalar summaries. The protobuf bytes are
// written directly; only the few fields below are used:
//
//   Event   { double wall_time = 1; int64 step = 2; string file_version = 3;
//             Summary summary = 5; }
//   Summary { repeated Value value = 1; }
//   Value   { string tag = 1; float simple_value = 2; }
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_FRONTEND_TORCH_TENSORBOARD_H
#define ARIADNE_FRONTEND_TORCH_TENSORBOARD_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace ariadne::train {

/// CRC-32C (Castagnoli) of `size` bytes.
uint32_t crc32c(const uint8_t *data, std::size_t size);
/// The masked CRC that TFRecord stores: rotate right by 15, add 0xa282ead8.
uint32_t maskedCrc32c(const uint8_t *data, std::size_t size);

/// The serialized Event message of scalar `values` (tag, value) at `step`.
std::string
encodeScalarEvent(double wallTime, int64_t step,
                  const std::vector<std::pair<std::string, float>> &values);
/// One record in TFRecord framing.
std::string frameRecord(const std::string &data);

/// Appends events to one file `events.out.tfevents.<time>.<host>`.
class EventWriter {
public:
  EventWriter() = default;
  EventWriter(const EventWriter &) = delete;
  EventWriter &operator=(const EventWriter &) = delete;
  ~EventWriter();

  /// Creates the file in `folder` (which must exist) and writes the
  /// file-version event.
  bool open(const std::string &folder, std::string &error);
  /// Writes the scalars of one step and flushes.
  void write(int64_t step,
             const std::vector<std::pair<std::string, float>> &values);
  const std::string &path() const { return filePath; }

private:
  std::FILE *file = nullptr;
  std::string filePath;
};

} // namespace ariadne::train

#endif // ARIADNE_FRONTEND_TORCH_TENSORBOARD_H
