"""nir_show.py FILE.nir: the graph as h5py reads it, one line per node (sorted by name): its type,
then each dataset as name:dtype[shape] (metadata/ datasets prefixed 'metadata/'), then the edges
sorted. The --emit=nir tests FileCheck this, so they need neither the nir package nor snnc."""
import sys

import h5py


def fields(group, prefix=""):
    out = []
    for key in sorted(group.keys()):
        item = group[key]
        if isinstance(item, h5py.Group):
            out += fields(item, prefix + key + "/")
        elif key != "type":
            kind = "str" if item.dtype.kind in "OS" else item.dtype.name
            out.append(f"{prefix}{key}:{kind}{list(item.shape)}")
    return out


with h5py.File(sys.argv[1], "r") as f:
    print("version", f["version"][()].decode())
    root = f["node"]
    print("root", root["type"][()].decode())
    for name in sorted(root["nodes"].keys()):
        node = root["nodes"][name]
        print("node", name, node["type"][()].decode(), " ".join(fields(node)))
    for a, b in sorted((a.decode(), b.decode()) for a, b in root["edges"][()]):
        print("edge", a, "->", b)
