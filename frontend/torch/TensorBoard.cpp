//===- TensorBoard.cpp - scalar summaries in TensorBoard files ------------===//
#include "frontend/torch/TensorBoard.h"

#include <chrono>
#include <cstring>
#include <unistd.h>

using namespace ariadne::train;

namespace {

void appendVarint(std::string &out, uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

template <typename T> void appendLittleEndian(std::string &out, T value) {
  uint8_t bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  // The project's targets are little-endian, like the wire format.
  out.append(reinterpret_cast<const char *>(bytes), sizeof(T));
}

/// A length-delimited field (wire type 2).
void appendBytesField(std::string &out, int field, const std::string &bytes) {
  appendVarint(out, static_cast<uint64_t>(field) << 3 | 2);
  appendVarint(out, bytes.size());
  out += bytes;
}

double now() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace

uint32_t ariadne::train::crc32c(const uint8_t *data, std::size_t size) {
  static uint32_t table[256];
  static bool ready = [] {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t crc = i;
      for (int bit = 0; bit < 8; ++bit)
        crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
      table[i] = crc;
    }
    return true;
  }();
  (void)ready;
  uint32_t crc = 0xffffffffu;
  for (std::size_t i = 0; i < size; ++i)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

uint32_t ariadne::train::maskedCrc32c(const uint8_t *data, std::size_t size) {
  uint32_t crc = crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

std::string ariadne::train::encodeScalarEvent(
    double wallTime, int64_t step,
    const std::vector<std::pair<std::string, float>> &values) {
  std::string event;
  event += static_cast<char>(1 << 3 | 1); // wall_time, 64-bit
  appendLittleEndian(event, wallTime);
  event += static_cast<char>(2 << 3 | 0); // step, varint
  appendVarint(event, static_cast<uint64_t>(step));
  std::string summary;
  for (const auto &[tag, value] : values) {
    std::string entry;
    appendBytesField(entry, 1, tag);
    entry += static_cast<char>(2 << 3 | 5); // simple_value, 32-bit
    appendLittleEndian(entry, value);
    appendBytesField(summary, 1, entry);
  }
  appendBytesField(event, 5, summary);
  return event;
}

std::string ariadne::train::frameRecord(const std::string &data) {
  std::string record;
  uint64_t length = data.size();
  appendLittleEndian(record, length);
  appendLittleEndian(
      record, maskedCrc32c(reinterpret_cast<const uint8_t *>(record.data()),
                           sizeof(length)));
  record += data;
  appendLittleEndian(
      record, maskedCrc32c(reinterpret_cast<const uint8_t *>(data.data()),
                           data.size()));
  return record;
}

EventWriter::~EventWriter() {
  if (file)
    std::fclose(file);
}

bool EventWriter::open(const std::string &folder, std::string &error) {
  char host[256] = "localhost";
  gethostname(host, sizeof(host) - 1);
  double start = now();
  filePath = folder + "/events.out.tfevents." +
             std::to_string(static_cast<long long>(start)) + "." + host;
  file = std::fopen(filePath.c_str(), "wb");
  if (!file) {
    error = filePath + ": cannot create the TensorBoard event file";
    return false;
  }
  std::string event;
  event += static_cast<char>(1 << 3 | 1);
  appendLittleEndian(event, start);
  appendBytesField(event, 3, "brain.Event:2");
  std::string record = frameRecord(event);
  std::fwrite(record.data(), 1, record.size(), file);
  std::fflush(file);
  return true;
}

void EventWriter::write(
    int64_t step, const std::vector<std::pair<std::string, float>> &values) {
  if (!file)
    return;
  std::string record = frameRecord(encodeScalarEvent(now(), step, values));
  std::fwrite(record.data(), 1, record.size(), file);
  std::fflush(file);
}
