"""Compares two snnc-run --json results (without and with --max-pool-relays) of max-pool-relays.test."""
import json
import sys

keep, relay = (json.load(open(p)) for p in sys.argv[1:3])
assert keep["outputs"] == relay["outputs"], "outputs differ"
print(f"outputs identical over {keep['samples']} samples x {keep['num_steps']} steps")
assert keep["predictions"] == relay["predictions"]
print("predictions identical")
for name, counts in sorted(keep["sample_spikes"].items()):
    assert relay["sample_spikes"][name] == counts, name + " spikes differ"
    assert sum(map(sum, counts)) > 0, name + " never fired"
    print(name, "spikes identical")
for name in sorted(set(relay["sample_spikes"]) - set(keep["sample_spikes"])):
    assert sum(map(sum, relay["sample_spikes"][name])) > 0, name + " never fired"
    print("relay", name, "fired")
