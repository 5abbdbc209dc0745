//===- NIRReader.cpp - NIR HDF5 files with the HDF5 C library -------------===//
//
// Walks `/node` recursively with H5Literate-free index loops (H5Gget_info and
// H5Lget_name_by_idx), reads every dataset through H5Dread with a native
// memory type (doubles for numbers, C strings for fixed- or variable-length
// strings), and bounds everything a hostile file controls before allocating:
// rank, element counts, string lengths, node counts and NIRGraph nesting.
// HDF5's automatic error printing is switched off once per process.
//
//===----------------------------------------------------------------------===//

#include "NIRReader.h"

#include "snnc/Support/Limits.h"

#include <hdf5.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>

namespace snnc::nir {
namespace {

constexpr int kMaxRank = 8;
constexpr int kMaxGraphDepth = 16;
constexpr int64_t kMaxNodes = limits::kMaxLayers;
constexpr size_t kMaxStringBytes = 1 << 16;

/// Closes an HDF5 identifier with its matching close function.
class Handle {
public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id(id), close(close) {}
  Handle(const Handle &) = delete;
  Handle &operator=(const Handle &) = delete;
  ~Handle() {
    if (id >= 0)
      close(id);
  }
  hid_t get() const { return id; }
  bool ok() const { return id >= 0; }

private:
  hid_t id;
  herr_t (*close)(hid_t);
};

class Reader {
public:
  explicit Reader(std::string *error) : error(error) {}

  bool fail(const std::string &where, const std::string &what) {
    *error = where + ": " + what;
    return false;
  }

  bool readDataset(hid_t loc, const std::string &name, const std::string &path,
                   Field *field);
  bool readNode(hid_t group, const std::string &name, const std::string &path,
                int depth, Node *node);
  /// The datasets directly under `metadata/` (what snnc's own metadata
  /// uses); nested groups and datasets snnc cannot read are skipped, as
  /// metadata is free-form.
  void readMetadata(hid_t group, const std::string &path, Node *node);

  int64_t nodeCount = 0;

private:
  bool readStrings(hid_t dataset, hid_t type, int64_t count,
                   const std::string &path, Field *field);
  bool readEdges(const Node &node, const std::string &path, Graph *graph);
  std::string *error;
};

bool Reader::readStrings(hid_t dataset, hid_t type, int64_t count,
                         const std::string &path, Field *field) {
  field->isString = true;
  if (H5Tis_variable_str(type) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type)); // h5py writes UTF-8
    std::vector<char *> data(count, nullptr);
    if (H5Dread(dataset, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                data.data()) < 0)
      return fail(path, "the string dataset cannot be read");
    bool tooLong = false;
    for (char *s : data) {
      size_t n = s ? strnlen(s, kMaxStringBytes + 1) : 0;
      tooLong |= n > kMaxStringBytes;
      field->strings.emplace_back(s ? s : "", std::min(n, kMaxStringBytes));
    }
    Handle space(H5Dget_space(dataset), H5Sclose);
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, data.data());
    if (tooLong)
      return fail(path, "a string is longer than 65536 bytes");
    return true;
  }
  size_t size = H5Tget_size(type);
  if (size == 0 || size > kMaxStringBytes)
    return fail(path, "fixed-length strings of " + std::to_string(size) +
                          " bytes (expected 1 to 65536)");
  if (static_cast<uint64_t>(count) * size > limits::kMaxParameterBytes)
    return fail(path, "the string dataset is too large");
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem.get(), size);
  H5Tset_cset(mem.get(), H5Tget_cset(type));
  H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
  std::vector<char> data(count * size, 0);
  if (H5Dread(dataset, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) <
      0)
    return fail(path, "the string dataset cannot be read");
  for (int64_t i = 0; i < count; ++i) {
    const char *s = data.data() + i * size;
    field->strings.emplace_back(s, strnlen(s, size));
  }
  return true;
}

bool Reader::readDataset(hid_t loc, const std::string &name,
                         const std::string &path, Field *field) {
  Handle dataset(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.ok())
    return fail(path, "the dataset cannot be opened");
  Handle space(H5Dget_space(dataset.get()), H5Sclose);
  H5S_class_t spaceClass = H5Sget_simple_extent_type(space.get());
  if (spaceClass == H5S_NULL)
    return fail(path, "the dataset is empty (null dataspace)");
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > kMaxRank)
    return fail(path, "rank " + std::to_string(rank) + " (at most 8)");
  hsize_t dims[kMaxRank] = {};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  int64_t count = 1;
  for (int i = 0; i < rank; ++i) {
    if (dims[i] > static_cast<hsize_t>(limits::kMaxParameterElements) ||
        count * static_cast<int64_t>(dims[i]) > limits::kMaxParameterElements)
      return fail(path, "more than 2^28 elements");
    count *= static_cast<int64_t>(dims[i]);
    field->shape.push_back(static_cast<int64_t>(dims[i]));
  }
  Handle type(H5Dget_type(dataset.get()), H5Tclose);
  H5T_class_t typeClass = H5Tget_class(type.get());
  if (typeClass == H5T_STRING)
    return readStrings(dataset.get(), type.get(), count, path, field);
  if (typeClass != H5T_FLOAT && typeClass != H5T_INTEGER &&
      typeClass != H5T_ENUM) // h5py stores numpy bools as an enum
    return fail(path, "expected numbers or strings, found another HDF5 type");
  field->isFloat = typeClass == H5T_FLOAT;
  field->bytes = static_cast<int>(H5Tget_size(type.get()));
  field->values.assign(count, 0.0);
  hid_t memType = H5T_NATIVE_DOUBLE;
  if (typeClass == H5T_ENUM) {
    std::vector<int8_t> raw(count, 0);
    if (H5Dread(dataset.get(), H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                raw.data()) < 0)
      return fail(path, "the dataset cannot be read");
    for (int64_t i = 0; i < count; ++i)
      field->values[i] = raw[i];
    return true;
  }
  if (count > 0 && H5Dread(dataset.get(), memType, H5S_ALL, H5S_ALL,
                           H5P_DEFAULT, field->values.data()) < 0)
    return fail(path, "the dataset cannot be read (corrupt or unsupported "
                      "compression filter)");
  return true;
}

/// Names of the links of `group`, in the file's index order.
bool listNames(hid_t group, std::vector<std::string> *names) {
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0)
    return false;
  if (info.nlinks > static_cast<hsize_t>(kMaxNodes) * 4)
    return false;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t n = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i,
                                   nullptr, 0, H5P_DEFAULT);
    if (n < 0 || n > 4096)
      return false;
    std::string name(static_cast<size_t>(n) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                       name.size(), H5P_DEFAULT);
    name.resize(static_cast<size_t>(n));
    names->push_back(name);
  }
  return true;
}

/// The object type of link `name` in `group` (group, dataset or other).
H5O_type_t objectType(hid_t group, const std::string &name) {
  H5O_info_t info;
  if (H5Oget_info_by_name2(group, name.c_str(), &info, H5O_INFO_BASIC,
                           H5P_DEFAULT) < 0)
    return H5O_TYPE_UNKNOWN;
  return info.type;
}

bool Reader::readEdges(const Node &node, const std::string &path,
                       Graph *graph) {
  const Field *edges = node.field("edges");
  if (!edges)
    return fail(path, "NIRGraph without the field 'edges'");
  bool empty = edges->numel() == 0;
  if (!empty &&
      (!edges->isString || edges->shape.size() != 2 || edges->shape[1] != 2))
    return fail(path + "/edges", "expected an (E, 2) string dataset of "
                                 "[source, destination] names");
  for (size_t i = 0; !empty && i + 1 < edges->strings.size(); i += 2)
    graph->edges.emplace_back(edges->strings[i], edges->strings[i + 1]);
  return true;
}

void Reader::readMetadata(hid_t group, const std::string &path, Node *node) {
  Handle meta(H5Gopen2(group, "metadata", H5P_DEFAULT), H5Gclose);
  std::vector<std::string> names;
  if (!meta.ok() || !listNames(meta.get(), &names))
    return;
  std::string saved = *error;
  for (const std::string &key : names) {
    Field field;
    if (objectType(meta.get(), key) == H5O_TYPE_DATASET &&
        readDataset(meta.get(), key, path + "/" + key, &field))
      node->metadata[key] = std::move(field);
  }
  *error = saved; // a skipped dataset is no error
}

bool Reader::readNode(hid_t group, const std::string &name,
                      const std::string &path, int depth, Node *node) {
  if (depth > kMaxGraphDepth)
    return fail(path, "NIRGraph nesting deeper than 16 levels");
  if (++nodeCount > kMaxNodes)
    return fail(path, "more than 4096 nodes");
  node->name = name;
  node->path = path;
  std::vector<std::string> names;
  if (!listNames(group, &names))
    return fail(path, "the group cannot be listed");
  Handle nodesGroup(-1, H5Gclose);
  for (const std::string &key : names) {
    std::string sub = path + "/" + key;
    H5O_type_t kind = objectType(group, key);
    if (kind == H5O_TYPE_DATASET) {
      if (!readDataset(group, key, sub, &node->fields[key]))
        return false;
    } else if (kind == H5O_TYPE_GROUP) {
      if (key == "metadata") {
        readMetadata(group, sub, node);
        continue;
      }
      if (key != "nodes")
        return fail(sub, "unexpected group (a node holds datasets, "
                         "'metadata/' and, for an NIRGraph, 'nodes/')");
    } else {
      return fail(sub, "not a group or a dataset (a broken or external link)");
    }
  }
  const Field *type = node->field("type");
  if (!type)
    return fail(path, "no 'type' dataset (every NIR node has one)");
  if (!type->isString || type->strings.size() != 1)
    return fail(path + "/type", "expected one string");
  node->type = type->strings[0];
  if (node->type != "NIRGraph")
    return true;
  node->graph = std::make_unique<Graph>();
  if (!readEdges(*node, path, node->graph.get()))
    return false;
  if (objectType(group, "nodes") != H5O_TYPE_GROUP)
    return fail(path, "NIRGraph without the group 'nodes'");
  Handle children(H5Gopen2(group, "nodes", H5P_DEFAULT), H5Gclose);
  std::vector<std::string> childNames;
  if (!children.ok() || !listNames(children.get(), &childNames))
    return fail(path + "/nodes", "the group cannot be listed");
  for (const std::string &child : childNames) {
    std::string sub = path + "/nodes/" + child;
    if (objectType(children.get(), child) != H5O_TYPE_GROUP)
      return fail(sub, "expected a node group");
    Handle childGroup(H5Gopen2(children.get(), child.c_str(), H5P_DEFAULT),
                      H5Gclose);
    node->graph->nodes.emplace_back();
    if (!childGroup.ok() || !readNode(childGroup.get(), child, sub, depth + 1,
                                      &node->graph->nodes.back()))
      return childGroup.ok() ? false : fail(sub, "cannot be opened");
  }
  return true;
}

} // namespace

void silenceHDF5() {
  static bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

int64_t Field::numel() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

bool looksLikeHDF5(const char *bytes, size_t size) {
  static const char magic[8] = {'\x89', 'H',  'D',    'F',
                                '\r',   '\n', '\x1a', '\n'};
  return size >= 8 && std::memcmp(bytes, magic, 8) == 0;
}

bool readFile(const std::string &path, File *file, std::string *error) {
  silenceHDF5();
  if (std::FILE *f = std::fopen(path.c_str(), "rb"))
    std::fclose(f);
  else {
    *error = std::string("cannot open the file: ") + std::strerror(errno);
    return false;
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    *error = "not an HDF5 file (NIR files are HDF5)";
    return false;
  }
  Handle h5(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!h5.ok()) {
    *error = "the HDF5 file cannot be opened (truncated or corrupt)";
    return false;
  }
  Reader reader(error);
  if (objectType(h5.get(), "version") != H5O_TYPE_DATASET)
    return reader.fail("/version", "missing: a NIR file has a '/version' "
                                   "string and the group '/node'");
  Field version;
  if (!reader.readDataset(h5.get(), "version", "/version", &version))
    return false;
  if (!version.isString || version.strings.size() != 1)
    return reader.fail("/version", "expected one string");
  file->version = version.strings[0];
  if (objectType(h5.get(), "node") != H5O_TYPE_GROUP)
    return reader.fail("/node", "missing: a NIR file has the group '/node'");
  Handle root(H5Gopen2(h5.get(), "node", H5P_DEFAULT), H5Gclose);
  if (!root.ok())
    return reader.fail("/node", "cannot be opened");
  if (!reader.readNode(root.get(), "node", "/node", 0, &file->root))
    return false;
  if (file->root.type != "NIRGraph")
    return reader.fail("/node/type", "'" + file->root.type +
                                         "', expected 'NIRGraph' at the root");
  return true;
}

} // namespace snnc::nir
