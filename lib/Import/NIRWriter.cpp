//===- NIRWriter.cpp - NIR HDF5 files from the in-memory node graph -------===//
//
// The writing half of the NIR format (NIRReader.h owns both): the node tree
// of NIRReader.h written with the HDF5 C library in the layout of
// neuromorphs/NIR's nir.write, so that nir.read (which type-checks and
// rejects unknown datasets) and snnc's reader both accept it. The file is
// written under a temporary name and renamed into place: a failure leaves no
// partial output.
//
//===----------------------------------------------------------------------===//

#include "NIRReader.h"

#include <hdf5.h>

#include <cstdio>
#include <unistd.h>

namespace snnc::nir {
namespace {

class Writer {
public:
  explicit Writer(std::string *error) : error(error) {}
  bool node(hid_t group, const Node &n, const std::string &path);

private:
  bool dataset(hid_t group, const std::string &key, const Field &f,
               const std::string &path);
  bool fail(const std::string &where) {
    *error = where + ": HDF5 cannot write it";
    return false;
  }
  std::string *error;
};

hid_t stringType() {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8); // h5py's string_dtype()
  return t;
}

bool Writer::dataset(hid_t group, const std::string &key, const Field &f,
                     const std::string &path) {
  std::vector<hsize_t> dims(f.shape.begin(), f.shape.end());
  hid_t space = dims.empty() ? H5Screate(H5S_SCALAR)
                             : H5Screate_simple(static_cast<int>(dims.size()),
                                                dims.data(), nullptr);
  hid_t file = -1, memory = -1;
  std::vector<const char *> strings;
  std::vector<float> f32;
  std::vector<int64_t> i64;
  const void *data = nullptr;
  if (f.isString) {
    file = stringType();
    memory = H5Tcopy(file);
    for (const std::string &s : f.strings)
      strings.push_back(s.c_str());
    data = strings.data();
  } else if (f.isFloat && f.bytes == 8) {
    file = H5Tcopy(H5T_IEEE_F64LE);
    memory = H5Tcopy(H5T_NATIVE_DOUBLE);
    data = f.values.data();
  } else if (f.isFloat) {
    file = H5Tcopy(H5T_IEEE_F32LE);
    memory = H5Tcopy(H5T_NATIVE_FLOAT);
    f32.assign(f.values.begin(), f.values.end());
    data = f32.data();
  } else {
    file = H5Tcopy(H5T_STD_I64LE);
    memory = H5Tcopy(H5T_NATIVE_INT64);
    for (double v : f.values)
      i64.push_back(static_cast<int64_t>(v));
    data = i64.data();
  }
  hid_t d = H5Dcreate2(group, key.c_str(), file, space, H5P_DEFAULT,
                       H5P_DEFAULT, H5P_DEFAULT);
  bool ok =
      d >= 0 && H5Dwrite(d, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
  if (d >= 0)
    H5Dclose(d);
  H5Tclose(memory);
  H5Tclose(file);
  H5Sclose(space);
  return ok || fail(path + "/" + key);
}

bool Writer::node(hid_t group, const Node &n, const std::string &path) {
  if (!dataset(group, "type", stringField(n.type), path))
    return false;
  for (const auto &[key, field] : n.fields)
    if (!dataset(group, key, field, path))
      return false;
  if (!n.metadata.empty()) {
    hid_t meta =
        H5Gcreate2(group, "metadata", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (meta < 0)
      return fail(path + "/metadata");
    bool ok = true;
    for (const auto &[key, field] : n.metadata)
      ok = ok && dataset(meta, key, field, path + "/metadata");
    H5Gclose(meta);
    if (!ok)
      return false;
  }
  if (!n.graph)
    return true;
  hid_t nodes =
      H5Gcreate2(group, "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (nodes < 0)
    return fail(path + "/nodes");
  bool ok = true;
  for (const Node &child : n.graph->nodes) {
    hid_t sub = H5Gcreate2(nodes, child.name.c_str(), H5P_DEFAULT, H5P_DEFAULT,
                           H5P_DEFAULT);
    ok = sub >= 0 && node(sub, child, path + "/nodes/" + child.name);
    if (sub >= 0)
      H5Gclose(sub);
    if (!ok)
      break;
  }
  H5Gclose(nodes);
  if (!ok)
    return false; // the failing child set the message
  Field edges;
  edges.isString = true;
  edges.shape = {static_cast<int64_t>(n.graph->edges.size()), 2};
  for (const auto &[from, to] : n.graph->edges) {
    edges.strings.push_back(from);
    edges.strings.push_back(to);
  }
  return dataset(group, "edges", edges, path);
}

} // namespace

Field floatField(std::vector<double> values, std::vector<int64_t> shape,
                 int bytes) {
  Field f;
  f.isFloat = true;
  f.bytes = bytes;
  f.values = std::move(values);
  f.shape = std::move(shape);
  return f;
}

Field intField(std::vector<int64_t> values, std::vector<int64_t> shape) {
  Field f;
  f.bytes = 8;
  f.values.assign(values.begin(), values.end());
  f.shape = std::move(shape);
  return f;
}

Field stringField(const std::string &value) {
  Field f;
  f.isString = true;
  f.strings = {value};
  return f;
}

bool writeFile(const std::string &path, const File &file, std::string *error) {
  silenceHDF5();
  std::string temp = path + ".tmp" + std::to_string(::getpid());
  hid_t h = H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (h < 0) {
    *error = path + ": cannot be created";
    return false;
  }
  Writer w(error);
  bool ok = true;
  {
    hid_t space = H5Screate(H5S_SCALAR), type = stringType();
    hid_t d = H5Dcreate2(h, "version", type, space, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    const char *v = file.version.c_str();
    ok = d >= 0 && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) >= 0;
    if (d >= 0)
      H5Dclose(d);
    H5Tclose(type);
    H5Sclose(space);
    if (!ok)
      *error = "/version: HDF5 cannot write it";
  }
  hid_t root =
      ok ? H5Gcreate2(h, "node", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
  ok = ok && root >= 0 && w.node(root, file.root, "/node");
  if (root >= 0)
    H5Gclose(root);
  ok = H5Fclose(h) >= 0 && ok;
  if (ok && std::rename(temp.c_str(), path.c_str()) != 0) {
    *error = path + ": cannot be written (rename failed)";
    ok = false;
  }
  if (!ok)
    std::remove(temp.c_str());
  return ok;
}

} // namespace snnc::nir
