//===- ModelFile.cpp - model.bin framing: read and write ------------------===//
//
// Implements the 32-byte header around the protobuf payload
// (docs/model-bin.md): little-endian encoding independent of the host, CRC-32
// from zlib, size checks before any allocation, and atomic writes (temporary
// file in the destination folder + rename). Built without exceptions.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/ModelFile.h"
#include "snnc/Support/OutputFile.h"

#include <zlib.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace snnc {
namespace modelbin {
namespace {

void putLE(unsigned char *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    p[i] = static_cast<unsigned char>(v >> (8 * i));
}

uint64_t getLE(const unsigned char *p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

uint32_t crc32Of(const unsigned char *p, size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {
    uInt chunk = n > (1u << 30) ? (1u << 30) : static_cast<uInt>(n);
    crc = crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

bool fail(std::string *error, std::string msg) {
  if (error)
    *error = std::move(msg);
  return false;
}

std::string hex32(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%08llx",
                static_cast<unsigned long long>(v));
  return buf;
}

/// Format version 2 = version 1 plus the encoder's input normalisation
/// (encoder.mean/std). Files without it stay version 1, so older runtimes keep
/// reading them, and refuse (instead of silently mis-encoding) files with it.
bool usesNormalisation(const Model &m) {
  for (const Layer &l : m.layers())
    if (l.has_encoder() && (l.encoder().mean_size() || l.encoder().std_size()))
      return true;
  return false;
}

bool usesGeneralNeurons(const Model &m) {
  for (const Layer &l : m.layers()) {
    if (l.has_readout() ||
        (l.has_encoder() && l.encoder().kind() == Encoder::STEPS))
      return true;
    if (!l.has_lif())
      continue;
    const LIF &f = l.lif();
    if (f.reset() == LIF::SUBTRACT_DELAYED || f.reset() == LIF::NONE ||
        f.reset_value() != 0.0f)
      return true;
    const std::string &g = f.gain().data();
    for (size_t i = 0; i + 4 <= g.size(); i += 4) {
      float v;
      std::memcpy(&v, g.data() + i, 4);
      if (v != 0.0f && v != 1.0f && v != -1.0f)
        return true;
    }
  }
  return false;
}

/// Current-based neurons (format version 4): a synaptic state in a LIF or a
/// membrane readout.
bool usesCuba(const Model &m) {
  for (const Layer &l : m.layers())
    if ((l.has_lif() && l.lif().syn_leak_size()) ||
        (l.has_readout() && l.readout().syn_leak_size()))
      return true;
  return false;
}

/// An ONNX ModelProto starts with field 1 (ir_version, a small varint) and
/// then one of its string/message fields (producer_name, graph, opset_import,
/// ...): enough to tell a user who passes an .onnx file what to do.
bool looksLikeOnnx(const unsigned char *p, size_t size) {
  static const unsigned char next[] = {0x12, 0x1a, 0x22, 0x28, 0x32,
                                       0x3a, 0x42, 0x72, 0x7a};
  return size >= 3 && p[0] == 0x08 && p[1] > 0 && p[1] < 0x80 &&
         std::memchr(next, p[2], sizeof(next)) != nullptr;
}

} // namespace

bool parsePayload(const void *data, size_t size, Model *m, std::string *error) {
  if (size > INT_MAX)
    return fail(error,
                "payload: " + std::to_string(size) + " bytes is too large");
  m->Clear();
  if (!m->ParseFromArray(data, static_cast<int>(size)))
    return fail(error,
                "payload: not a valid snnc.modelbin.Model protobuf message");
  return true;
}

uint32_t requiredFormatVersion(const Model &m) {
  if (!m.quantization().empty())
    return kFormatVersionInteger;
  if (usesCuba(m))
    return kFormatVersionCuba;
  if (usesGeneralNeurons(m))
    return kFormatVersionGeneral;
  return usesNormalisation(m) ? kFormatVersionNormalised : kFormatVersion;
}

bool serializeModel(const Model &m, std::string *out, std::string *error) {
  size_t payloadSize = m.ByteSizeLong();
  if (payloadSize > kMaxPayloadSize)
    return fail(error, "model: serialized payload of " +
                           std::to_string(payloadSize) +
                           " bytes exceeds the limit of " +
                           std::to_string(kMaxPayloadSize));
  out->assign(kHeaderSize + payloadSize, '\0');
  auto *bytes = reinterpret_cast<unsigned char *>(&(*out)[0]);
  if (!m.SerializeToArray(bytes + kHeaderSize, static_cast<int>(payloadSize)))
    return fail(
        error, "model: protobuf serialization failed (missing required data?)");
  std::memcpy(bytes, kMagic, 8);
  putLE(bytes + 8, requiredFormatVersion(m), 4);
  putLE(bytes + 12, kHeaderSize, 4);
  putLE(bytes + 16, payloadSize, 8);
  putLE(bytes + 24, crc32Of(bytes + kHeaderSize, payloadSize), 4);
  putLE(bytes + 28, 0, 4);
  return true;
}

bool parseModel(const void *data, size_t size, Model *m, std::string *error) {
  const auto *p = static_cast<const unsigned char *>(data);
  if (size < kHeaderSize)
    return fail(error, "header: file is " + std::to_string(size) +
                           " bytes, expected at least the 32-byte header");
  if (std::memcmp(p, kMagic, 8) != 0)
    return fail(
        error, looksLikeOnnx(p, size)
                   ? "this looks like an ONNX model, not a compiled model.bin: "
                     "compile it first (snnc MODEL.onnx -o model.bin), then "
                     "run model.bin"
                   : "header: magic (bytes 0-7) is not \"SNNCMBIN\": not a "
                     "model.bin file");
  uint64_t version = getLE(p + 8, 4);
  static_assert(kFormatVersionInteger == kFormatVersionCuba + 1,
                "the newest format version bounds the check below");
  if (version < kFormatVersion || version > kFormatVersionInteger)
    return fail(error, "header: format_version is " + std::to_string(version) +
                           ", expected 1 to 5 (this runtime reads "
                           "versions 1 to 5)");
  uint64_t headerSize = getLE(p + 12, 4);
  if (headerSize != kHeaderSize)
    return fail(error, "header: header_size is " + std::to_string(headerSize) +
                           ", expected 32");
  uint64_t payloadSize = getLE(p + 16, 8);
  if (payloadSize > kMaxPayloadSize)
    return fail(error, "header: payload_size " + std::to_string(payloadSize) +
                           " exceeds the limit of " +
                           std::to_string(kMaxPayloadSize));
  if (payloadSize != size - kHeaderSize)
    return fail(
        error, "header: payload_size is " + std::to_string(payloadSize) +
                   " but the file holds " + std::to_string(size - kHeaderSize) +
                   " payload bytes (truncated or padded file)");
  uint64_t reserved = getLE(p + 28, 4);
  if (reserved != 0)
    return fail(error, "header: reserved word (bytes 28-31) is " +
                           hex32(reserved) + ", expected 0");
  uint64_t expectCrc = getLE(p + 24, 4);
  uint32_t crc = crc32Of(p + kHeaderSize, payloadSize);
  if (crc != expectCrc)
    return fail(error, "header: payload CRC-32 is " + hex32(crc) +
                           ", header says " + hex32(expectCrc) +
                           " (corrupt file)");
  if (!parsePayload(p + kHeaderSize, payloadSize, m, error))
    return false;
  if (version == kFormatVersion && usesNormalisation(*m))
    return fail(error, "header: format_version 1 with an input normalisation "
                       "(encoder.mean/std), which needs version 2");
  if (version < kFormatVersionGeneral && usesGeneralNeurons(*m))
    return fail(error, "header: format_version " + std::to_string(version) +
                           " with a general neuron or sequence input (a "
                           "SUBTRACT_DELAYED or NONE reset, reset_value, a "
                           "gain other than -1/0/1, readout parameters or "
                           "the STEPS encoder), which needs version 3");
  if (version < kFormatVersionInteger && !m->quantization().empty())
    return fail(error, "header: format_version " + std::to_string(version) +
                           " with an integer model (quantization \"" +
                           m->quantization().substr(0, 64) +
                           "\"), which needs version 5");
  if (version < kFormatVersionCuba && usesCuba(*m))
    return fail(error, "header: format_version " + std::to_string(version) +
                           " with a current-based neuron (lif or readout "
                           "syn_leak/syn_gain), which needs version 4");
  return true;
}

bool writeFileAtomically(const std::string &path, const std::string &bytes,
                         std::string *error) {
  return support::writeOutputFile(path, bytes, error);
}

bool writeModelFile(const Model &m, const std::string &path,
                    std::string *error) {
  std::string bytes;
  if (!serializeModel(m, &bytes, error)) {
    if (error)
      *error = path + ": " + *error;
    return false;
  }
  return writeFileAtomically(path, bytes, error);
}

bool readModelFile(const std::string &path, Model *m, std::string *error) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (fstat rejects it).
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return fail(error, path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(error, path + ": not a regular file");
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size > kHeaderSize + kMaxPayloadSize) {
    ::close(fd);
    return fail(error, path + ": file of " + std::to_string(size) +
                           " bytes exceeds the model.bin size limit");
  }
  std::string bytes(size, '\0');
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, &bytes[done], size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (done != size)
    return fail(error, path + ": short read (" + std::to_string(done) + " of " +
                           std::to_string(size) + " bytes)");
  if (!parseModel(bytes.data(), bytes.size(), m, error)) {
    if (error)
      *error = path + ": " + *error;
    return false;
  }
  return true;
}

} // namespace modelbin
} // namespace snnc
