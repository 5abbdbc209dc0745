//===- NIRGraph.h - a NIR file flattened and ordered ------------*- C++ -*-===//
//
// The importer's view of a NIR file: nested NIRGraphs inlined (their nodes
// named "outer.inner", edges into a subgraph redirected to its Input node and
// out of it from its Output node, which become pass-throughs), every edge
// checked against the nodes, and the nodes in dependency order (Kahn's
// algorithm; a node left over is on a cycle: a recurrent edge).
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_LIB_IMPORT_NIRGRAPH_H
#define SNNC_LIB_IMPORT_NIRGRAPH_H

#include "NIRReader.h"

#include <string>
#include <vector>

namespace snnc::nir {

struct FlatNode {
  std::string name;         // dotted path of graph keys
  const Node *node;         // fields and type
  bool passThrough = false; // Input/Output of a nested NIRGraph
  std::vector<int> inputs;  // predecessors (summed)
  std::vector<int> outputs; // successors
};

struct FlatGraph {
  std::vector<FlatNode> nodes;
  std::vector<int> order; // topological
};

/// Flattens and orders `root` (an NIRGraph). On failure sets `error` to a
/// message naming the node or edge.
bool flattenGraph(const Node &root, FlatGraph *graph, std::string *error);

} // namespace snnc::nir

#endif // SNNC_LIB_IMPORT_NIRGRAPH_H
