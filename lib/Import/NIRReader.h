//===- NIRReader.h - NIR HDF5 files as an in-memory node graph --*- C++ -*-===//
//
// Reads a NIR file (neuromorphs/NIR v1.0.x: HDF5 where every value is a
// dataset, `/version` and the group `/node`; a node group holds `type`, one
// dataset per field and an optional `metadata/` group; an `NIRGraph` holds
// `nodes/<name>/` and `edges`, an (E, 2) string dataset) with the HDF5 C
// library into plain structs: numeric fields as doubles with their shape and
// stored precision, string fields as text. It checks only the file's structure
// (sizes bounded by snnc/Support/Limits.h, nesting depth, types of datasets);
// what the fields mean is the importer's business (NIRImporter.cpp). No HDF5
// error stack is ever printed.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_LIB_IMPORT_NIRREADER_H
#define SNNC_LIB_IMPORT_NIRREADER_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace snnc::nir {

/// One dataset of a node.
struct Field {
  bool isString = false;
  std::vector<int64_t> shape;       // empty for a scalar
  std::vector<double> values;       // numeric data, row-major
  bool isFloat = false;             // stored as a floating-point type
  int bytes = 0;                    // element size as stored (4: float32)
  std::vector<std::string> strings; // string data, row-major
  int64_t numel() const;
};

struct Graph;

struct Node {
  std::string name; // the key in its graph's `nodes`
  std::string path; // HDF5 path, for messages ("/node/nodes/fc1")
  std::string type; // the `type` dataset
  std::map<std::string, Field> fields;
  /// The `metadata/` datasets (NIR leaves them free-form; snnc applies only
  /// its own, NIRMetadata.h).
  std::map<std::string, Field> metadata;
  std::unique_ptr<Graph> graph; // for type NIRGraph
  const Field *field(const std::string &key) const {
    auto it = fields.find(key);
    return it == fields.end() ? nullptr : &it->second;
  }
};

struct Graph {
  std::vector<Node> nodes; // in the file's (alphabetical) order
  std::vector<std::pair<std::string, std::string>> edges;
};

struct File {
  std::string version;
  Node root; // the `/node` group (type NIRGraph)
};

/// True when `bytes` start with the HDF5 signature "\x89HDF\r\n\x1a\n".
bool looksLikeHDF5(const char *bytes, size_t size);

/// Reads `path`. On failure returns false and sets `error` to a message that
/// names the HDF5 path and the rule (without the file name).
bool readFile(const std::string &path, File *file, std::string *error);

/// Switches HDF5's automatic error printing off (once per process).
void silenceHDF5();

/// Writes `file` to `path` in the layout nir.write produces (NIRWriter.cpp):
/// strings as variable-length UTF-8, floats as float32 or float64
/// (Field::bytes), other numbers as int64, `edges` as an (E, 2) string dataset.
/// It writes a temporary file beside `path` and renames it, so a failure leaves
/// no output.
bool writeFile(const std::string &path, const File &file, std::string *error);

/// Field constructors for the writer.
Field floatField(std::vector<double> values, std::vector<int64_t> shape,
                 int bytes = 4);
Field intField(std::vector<int64_t> values, std::vector<int64_t> shape);
Field stringField(const std::string &value);

} // namespace snnc::nir

#endif // SNNC_LIB_IMPORT_NIRREADER_H
