//===- ModelFile.h - model.bin framing: read and write --------------------===//
//
// The model.bin file is a 32-byte little-endian header (magic "SNNCMBIN",
// format version, header size, payload size, CRC-32 of the payload, reserved
// word) followed by the serialized snnc.modelbin.Model protobuf payload
// (docs/model-bin.md). This header declares the reader and writer shared by the
// compiler (which writes model.bin) and the runtime (which reads it). None of
// these functions throws; errors are reported through `error` and a false
// return value.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_MODELFILE_H
#define SNNC_RUNTIME_MODELFILE_H

#include "snnc/modelbin/model.pb.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace snnc {
namespace modelbin {

constexpr char kMagic[8] = {'S', 'N', 'N', 'C', 'M', 'B', 'I', 'N'};
constexpr uint32_t kFormatVersion = 1;
/// Version 1 plus the encoder's input normalisation (written only then).
constexpr uint32_t kFormatVersionNormalised = 2;
/// Version 2 plus the general neuron and sequence inputs: LIF resets
/// SUBTRACT_DELAYED and NONE, a non-zero reset_value, gains other than
/// -1/0/1, READOUT parameters and the STEPS encoder (written only then).
constexpr uint32_t kFormatVersionGeneral = 3;
/// Version 3 plus current-based neurons (LIF and READOUT syn_leak/syn_gain).
constexpr uint32_t kFormatVersionCuba = 4;
/// Integer (Loihi) models, Model.quantization = "loihi" (docs/fixed-point.md;
/// written only then). The newest version.
constexpr uint32_t kFormatVersionInteger = 5;

/// The oldest format version that can hold `m`.
uint32_t requiredFormatVersion(const Model &m);
constexpr uint32_t kHeaderSize = 32;
/// Largest payload accepted by the reader (protobuf's own hard limit is 2 GiB).
constexpr uint64_t kMaxPayloadSize = uint64_t(1) << 30;

/// Serializes `m` with the 32-byte header into `out`.
bool serializeModel(const Model &m, std::string *out, std::string *error);

/// Checks the header of `data` (magic, version, sizes, CRC) and parses the
/// payload into `m`. Only the framing and protobuf wire format are checked
/// here; the model's semantics are checked by modelbin::validate
/// (snnc/modelbin/Validate.h).
bool parseModel(const void *data, size_t size, Model *m, std::string *error);

/// Parses a bare payload (no header) into `m`.
bool parsePayload(const void *data, size_t size, Model *m, std::string *error);

/// Writes `m` to `path` through a temporary file in the same folder renamed
/// into place, so that a partial output file never exists under `path`.
bool writeModelFile(const Model &m, const std::string &path,
                    std::string *error);

/// Reads and checks `path` (see parseModel). Errors start with the file name.
bool readModelFile(const std::string &path, Model *m, std::string *error);

/// Writes `bytes` to `path` via a temporary file in the same folder and a
/// rename.
bool writeFileAtomically(const std::string &path, const std::string &bytes,
                         std::string *error);

} // namespace modelbin
} // namespace snnc

#endif // SNNC_RUNTIME_MODELFILE_H
