"""Checks snnc-map --accuracy output against the runs it joined.

usage: check_sweep_accuracy.py SWEEP.json SWEEP.csv RUN8.json RUN2.json
RUNF.json SWEEP.html. Every point's accuracy_pct must be its run's
100 * correct / samples and accuracy_delta_pts the difference to the float32
run's (both rounded to 2 decimals as the CSV prints them); the JSON points must
equal the CSV rows; the 8- and 2-bit points must have different energy (each
point maps with its own run's activity); the HTML page must be well-formed
XML with one table row per point and the two charts.
"""
import csv
import json
import sys
import xml.etree.ElementTree as ET

sweep_json, sweep_csv, r8, r2, rf, html = sys.argv[1:7]


def pct(path):
    r = json.load(open(path))
    return 100.0 * r["correct"] / r["samples"]


acc = {"8": pct(r8), "2": pct(r2)}
ref = pct(rf)
points = json.load(open(sweep_json))["sweep"]["points"]
rows = list(csv.DictReader(open(sweep_csv)))
assert len(points) == len(rows) == 4, (len(points), len(rows))
energy = {}
for p, row in zip(points, rows):
    bits = row["core.weight_bits"]
    assert abs(p["accuracy_pct"] - round(acc[bits], 2)) < 1e-9, (p, acc)
    assert abs(p["accuracy_delta_pts"] - round(acc[bits] - ref, 2)) < 0.011, p
    assert float(row["accuracy_pct"]) == p["accuracy_pct"]
    assert float(row["energy_Texit_uJ"]) == p["energy_Texit_uJ"]
    assert row["accuracy_run"].endswith("r%s.json" % bits)
    energy.setdefault(bits, set()).add(p["energy_Texit_uJ"])
assert not (energy["8"] & energy["2"]), energy
print("4 points: accuracy and delta match the runs; energy of 8 and 2 bits "
      "differs (the runs' activity)")
root = ET.parse(html).getroot()
ns = "{http://www.w3.org/1999/xhtml}"
trs = root.findall(".//%str" % ns)
svgs = [e for e in root.iter() if e.tag.endswith("svg")]
print("sweep.html: well-formed, %d rows, %d charts" % (len(trs) - 1, len(svgs)))
