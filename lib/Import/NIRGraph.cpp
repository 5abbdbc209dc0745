//===- NIRGraph.cpp - inline nested NIRGraphs, check edges, sort ----------===//
//
// flattenGraph() gives every node of the file, at any nesting depth, one
// index; resolves each edge's endpoints (a subgraph as a destination means
// its Input node, as a source its Output node); rejects edges that name no
// node, and orders the nodes so that every node comes after its inputs.
//
//===----------------------------------------------------------------------===//

#include "NIRGraph.h"

#include <map>

namespace snnc::nir {
namespace {

class Flattener {
public:
  Flattener(FlatGraph &out, std::string &error) : out(out), error(error) {}

  /// Adds the nodes of `graph` under `prefix`; `entry`/`exit` receive the
  /// indices of its Input and Output nodes (-1 when it has none or several).
  bool add(const Node &graphNode, const std::string &prefix, int *entry,
           int *exit);

private:
  bool fail(const std::string &message) {
    error = message;
    return false;
  }
  FlatGraph &out;
  std::string &error;
};

bool Flattener::add(const Node &graphNode, const std::string &prefix,
                    int *entry, int *exit) {
  const Graph &graph = *graphNode.graph;
  std::map<std::string, int> index;    // key -> node used as a destination
  std::map<std::string, int> sourceOf; // key -> node used as a source
  int inputs = 0, outputs = 0;
  *entry = *exit = -1;
  for (const Node &node : graph.nodes) {
    std::string name = prefix.empty() ? node.name : prefix + "." + node.name;
    if (node.type == "NIRGraph") {
      int subEntry, subExit;
      if (!add(node, name, &subEntry, &subExit))
        return false;
      if (subEntry < 0 || subExit < 0)
        return fail("node '" + name + "' (NIRGraph, " + node.path +
                    "): a nested graph needs exactly one Input and one "
                    "Output node");
      index[node.name] = subEntry;
      sourceOf[node.name] = subExit;
      continue;
    }
    int id = static_cast<int>(out.nodes.size());
    out.nodes.push_back(
        {name,
         &node,
         !prefix.empty() && (node.type == "Input" || node.type == "Output"),
         {},
         {}});
    index[node.name] = sourceOf[node.name] = id;
    if (node.type == "Input") {
      ++inputs;
      *entry = id;
    } else if (node.type == "Output") {
      ++outputs;
      *exit = id;
    }
  }
  if (inputs != 1)
    *entry = -1;
  if (outputs != 1)
    *exit = -1;
  for (const auto &[from, to] : graph.edges) {
    auto src = sourceOf.find(from), dst = index.find(to);
    std::string where =
        "edge ['" + from + "', '" + to + "'] of " + graphNode.path + "/edges";
    if (src == sourceOf.end())
      return fail(where + ": no node '" + from + "' in this graph");
    if (dst == index.end())
      return fail(where + ": no node '" + to + "' in this graph");
    out.nodes[dst->second].inputs.push_back(src->second);
    out.nodes[src->second].outputs.push_back(dst->second);
  }
  return true;
}

} // namespace

bool flattenGraph(const Node &root, FlatGraph *graph, std::string *error) {
  Flattener flattener(*graph, *error);
  int entry, exit;
  if (!flattener.add(root, "", &entry, &exit))
    return false;
  std::vector<int> pending(graph->nodes.size());
  std::vector<int> ready;
  for (size_t i = 0; i < graph->nodes.size(); ++i) {
    pending[i] = static_cast<int>(graph->nodes[i].inputs.size());
    if (pending[i] == 0)
      ready.push_back(static_cast<int>(i));
  }
  // Kahn's algorithm, taking ready nodes in file order for a stable result.
  for (size_t next = 0; next < ready.size(); ++next) {
    int id = ready[next];
    graph->order.push_back(id);
    for (int succ : graph->nodes[id].outputs)
      if (--pending[succ] == 0)
        ready.push_back(succ);
  }
  if (graph->order.size() == graph->nodes.size())
    return true;
  for (size_t i = 0; i < graph->nodes.size(); ++i)
    if (pending[i] > 0) {
      const FlatNode &node = graph->nodes[i];
      *error = "node '" + node.name + "' (" + node.node->type +
               ") is on a cycle of edges, or fed by one (a recurrent "
               "connection or a delay loop); snnc imports feed-forward NIR "
               "graphs only";
      return false;
    }
  return true;
}

} // namespace snnc::nir
