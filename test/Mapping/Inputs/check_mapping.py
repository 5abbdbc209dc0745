"""Checks the invariants of an `snnc-map --json` result; prints one line or fails.

Every neuron of every mapped layer is in exactly one core, no core exceeds a
hardware limit, placements are distinct and on the mesh, link hop counts match
the placement (the host port is tile (0, 0)), a core's fan-out is the sum of
its links' output-axon entries, a link's entries are its neurons with binary
axons and, with population axons, between slots x ceil(neurons / atoms) and
slots x neurons, and the core count is at least the lower bound.
"""
import json
import sys


def main(path):
    with open(path) as f:
        r = json.load(f)
    limits = r["limits"]
    cores = r["core_list"]
    layers = {l["name"]: l for l in r["layers"] if "cores" in l}
    seen = {name: [0] * l["neurons"] for name, l in layers.items()}
    positions = set()
    for c in cores:
        layer = layers[c["layer"]]
        _, height, width = layer["shape"]
        c0, c1, h0, h1, w0, w1 = c["block"]
        assert c["compartments"] == (c1 - c0) * (h1 - h0) * (w1 - w0), c
        for ch in range(c0, c1):
            for h in range(h0, h1):
                for w in range(w0, w1):
                    seen[c["layer"]][(ch * height + h) * width + w] += 1
        assert c["compartments"] <= limits["compartments"], c
        assert c["fanin_axons"] <= limits["fanin_axons"], c
        assert c["fanout_axons"] <= limits["fanout_axons"], c
        assert c["synapse_bits"] <= limits["synapse_memory_bits"], c
        assert c["table_entries"] <= limits["table_entries"], c
        x, y = c["tile"]
        assert 0 <= x < limits["tiles_x"] * r["chips"] and 0 <= y < limits["tiles_y"], c
        assert x // limits["tiles_x"] == c["chip"], c
        assert (x, y, c["slot"]) not in positions, c
        positions.add((x, y, c["slot"]))
    for name, counts in seen.items():
        assert all(n == 1 for n in counts), f"layer {name}: neurons not mapped exactly once"
    fanout = [0] * len(cores)
    for link in r["links"]:
        to = cores[link["to"]]
        if link["from"] == "host":
            fx, fy, fchip = 0, 0, 0
        else:
            src = cores[link["from"]]
            fx, fy = src["tile"]
            fchip = src["chip"]
            fanout[link["from"]] += link["fanout_axons"]
            n = link["neurons"]
            if limits["population_axons"]:
                atoms, slots = limits["population_atoms"], limits["population_axon_slots"]
                assert slots * -(-n // atoms) <= link["fanout_axons"] <= slots * n, link
            else:
                assert link["fanout_axons"] == n, link
        assert link["hops_x"] == abs(fx - to["tile"][0]), link
        assert link["hops_y"] == abs(fy - to["tile"][1]), link
        assert link["chip_crossings"] == abs(fchip - to["chip"]), link
    for c, n in zip(cores, fanout):
        assert c["fanout_axons"] == n, (c, n)
    assert r["cores"] == len(cores) >= r["lower_bound"]
    print(f"mapping ok: {len(cores)} cores, {sum(len(v) for v in seen.values())} neurons")


if __name__ == "__main__":
    main(sys.argv[1])
