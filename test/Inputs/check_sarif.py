#!/usr/bin/env python3
"""Checks a file against the structure SARIF 2.1.0 requires (the OASIS standard's JSON schema).

usage: check_sarif.py FILE [--tool NAME] [--rule CODE]... [--results N] [--level LEVEL]

A minimal structural validator, dependency-free: required properties, types, enums, the
allowed properties of every object snnc writes (the schema sets additionalProperties false),
ruleIndex/ruleId agreement with tool.driver.rules, artifact URIs as RFC 3986 URI references,
regions from line 1, the arrays the schema declares uniqueItems (rules, relatedLocations,
logicalLocations, tags) free of equal items, rule descriptions as multiformatMessageStrings
(text required), $schema an absolute URI, and the file strict UTF-8 (a tool once aborted on a
non-UTF-8 argv byte instead of writing its log). Prints "sarif ok: N results" or each problem,
and exits 1 on any. The full check against the published schema is validate_sarif_schema.py
(docs/ci.md).
"""
import json
import re
import sys

ALLOWED = {
    "log": {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
    "run": {"tool", "invocations", "results", "artifacts", "originalUriBaseIds", "properties"},
    "tool": {"driver", "extensions", "properties"},
    "driver": {"name", "version", "semanticVersion", "informationUri", "rules", "fullName",
               "organization", "properties"},
    "rule": {"id", "name", "shortDescription", "fullDescription", "defaultConfiguration",
             "helpUri", "help", "properties"},
    "config": {"enabled", "level", "rank", "parameters", "properties"},
    "invocation": {"executionSuccessful", "exitCode", "commandLine", "properties"},
    "result": {"ruleId", "ruleIndex", "level", "message", "locations", "relatedLocations",
               "kind", "properties"},
    "location": {"id", "physicalLocation", "logicalLocations", "message", "properties"},
    "physical": {"artifactLocation", "region", "properties"},
    "artifact": {"uri", "uriBaseId", "index", "properties"},
    "region": {"startLine", "startColumn", "endLine", "endColumn", "properties"},
    "logical": {"name", "fullyQualifiedName", "kind", "index", "properties"},
    "message": {"text", "id", "arguments", "markdown", "properties"},
    "multiformat": {"text", "markdown", "properties"},
}
LEVELS = {"none", "note", "warning", "error"}
URI_REF = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:)?([A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$")
ABS_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:([A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-Fa-f]{2})*$")
SEMVER = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
problems = []


def need(cond, what):
    if not cond:
        problems.append(what)
    return cond


def obj(value, kind, where, required=()):
    if not need(isinstance(value, dict), f"{where}: expected an object"):
        return False
    for key in value:
        need(key in ALLOWED[kind], f"{where}: property '{key}' is not allowed")
    for key in required:
        need(key in value, f"{where}: required property '{key}' is missing")
    return True


def unique(items, where):
    """The schema's uniqueItems: no two items equal as JSON values."""
    seen = set()
    for i, item in enumerate(items):
        key = json.dumps(item, sort_keys=True)
        need(key not in seen, f"{where}[{i}]: equal to an earlier item (uniqueItems)")
        seen.add(key)


def properties(value, where):
    if need(isinstance(value, dict), f"{where}.properties: expected an object"):
        tags = value.get("tags", [])
        if need(isinstance(tags, list) and all(isinstance(t, str) for t in tags),
                f"{where}.properties.tags: array of strings"):
            unique(tags, f"{where}.properties.tags")


def multiformat(m, where):
    if obj(m, "multiformat", where, ("text",)):
        need(isinstance(m.get("text"), str), f"{where}.text: string")


def message(m, where):
    if obj(m, "message", where):
        need(isinstance(m.get("text", m.get("id")), str), f"{where}: text (or id) must be a string")


def location(loc, where):
    if not obj(loc, "location", where):
        return
    if "id" in loc:
        need(isinstance(loc["id"], int) and loc["id"] >= -1, f"{where}.id: integer >= -1")
    if "message" in loc:
        message(loc["message"], where + ".message")
    p = loc.get("physicalLocation")
    if p is not None and obj(p, "physical", where + ".physicalLocation"):
        a = p.get("artifactLocation")
        if a is not None and obj(a, "artifact", where + ".artifactLocation"):
            uri = a.get("uri")
            need(isinstance(uri, str) and URI_REF.match(uri), f"{where}: uri {uri!r} is not a URI reference")
        r = p.get("region")
        if r is not None and obj(r, "region", where + ".region"):
            for k in ("startLine", "startColumn", "endLine", "endColumn"):
                if k in r:
                    need(isinstance(r[k], int) and r[k] >= 1, f"{where}.region.{k}: integer >= 1")
    unique(loc.get("logicalLocations", []), where + ".logicalLocations")
    for i, ll in enumerate(loc.get("logicalLocations", [])):
        if obj(ll, "logical", f"{where}.logicalLocations[{i}]"):
            need(isinstance(ll.get("name", ""), str), f"{where}.logicalLocations[{i}].name: string")


def check(log, args):
    if not obj(log, "log", "sarifLog", ("version", "runs")):
        return 0
    need(log.get("version") == "2.1.0", "version must be '2.1.0'")
    if "$schema" in log:
        need(isinstance(log["$schema"], str) and ABS_URI.match(log["$schema"]),
             f"$schema {log['$schema']!r} is not an absolute URI")
    need(isinstance(log.get("runs"), list), "runs must be an array")
    count = 0
    for r, run in enumerate(log.get("runs") or []):
        w = f"runs[{r}]"
        if not obj(run, "run", w, ("tool",)):
            continue
        obj(run["tool"], "tool", w + ".tool", ("driver",))
        driver = run["tool"].get("driver", {})
        obj(driver, "driver", w + ".tool.driver", ("name",))
        need(isinstance(driver.get("name"), str), "driver.name must be a string")
        for k in ("version", "semanticVersion"):
            if k in driver:
                need(isinstance(driver[k], str), f"driver.{k} must be a string")
        if args.get("tool"):  # lit may have substituted the tool's path
            want = args["tool"].rsplit("/", 1)[-1]
            need(driver.get("name") == want, f"driver.name {driver.get('name')!r} != {want!r}")
        if "semanticVersion" in driver:
            need(SEMVER.match(str(driver["semanticVersion"])), "driver.semanticVersion is not semver")
        rules = driver.get("rules", [])
        ids = [rule.get("id") for rule in rules]
        need(len(ids) == len(set(ids)), "rule ids must be unique")
        unique(rules, w + ".tool.driver.rules")
        for i, rule in enumerate(rules):
            if obj(rule, "rule", f"{w}.rules[{i}]", ("id",)):
                need(isinstance(rule["id"], str), f"rules[{i}].id: string")
                for k in ("shortDescription", "fullDescription", "help"):
                    if k in rule:
                        multiformat(rule[k], f"rules[{i}].{k}")
                if "properties" in rule:
                    properties(rule["properties"], f"rules[{i}]")
                c = rule.get("defaultConfiguration")
                if c is not None and obj(c, "config", f"rules[{i}].defaultConfiguration"):
                    need(c.get("level", "warning") in LEVELS, f"rules[{i}]: bad level")
        for i, inv in enumerate(run.get("invocations", [])):
            if obj(inv, "invocation", f"{w}.invocations[{i}]", ("executionSuccessful",)):
                need(isinstance(inv["executionSuccessful"], bool), "executionSuccessful: boolean")
                if "exitCode" in inv:
                    need(isinstance(inv["exitCode"], int) and not isinstance(inv["exitCode"], bool),
                         "exitCode: integer")
        for i, res in enumerate(run.get("results", [])):
            rw = f"{w}.results[{i}]"
            if not obj(res, "result", rw, ("message",)):
                continue
            count += 1
            message(res["message"], rw + ".message")
            need(res.get("level", "warning") in LEVELS, f"{rw}.level {res.get('level')!r}")
            idx = res.get("ruleIndex")
            if idx is not None:
                need(isinstance(idx, int) and 0 <= idx < len(rules) and ids[idx] == res.get("ruleId"),
                     f"{rw}: ruleIndex {idx} does not name ruleId {res.get('ruleId')!r}")
            for j, loc in enumerate(res.get("locations", [])):
                location(loc, f"{rw}.locations[{j}]")
            unique(res.get("relatedLocations", []), rw + ".relatedLocations")
            for j, loc in enumerate(res.get("relatedLocations", [])):
                location(loc, f"{rw}.relatedLocations[{j}]")
        seen = {res.get("ruleId") for res in run.get("results", []) if isinstance(res, dict)}
        for rule in args["rules"]:
            need(rule in seen, f"no result with ruleId {rule}")
        if args.get("level"):
            need(any(res.get("level") == args["level"] for res in run.get("results", [])),
                 f"no result of level {args['level']}")
    if args.get("results") is not None:
        need(count == args["results"], f"{count} results, expected {args['results']}")
    return count


def main():
    argv = sys.argv[1:]
    args = {"rules": []}
    path = argv.pop(0)
    while argv:
        flag = argv.pop(0)
        value = argv.pop(0)
        if flag == "--rule":
            args["rules"].append(value)
        elif flag == "--results":
            args["results"] = int(value)
        else:
            args[flag[2:]] = value
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        print(f"check_sarif: {path}: {e}")
        return 1
    try:
        text = data.decode("utf-8")  # strict: JSON text must be UTF-8 (RFC 8259)
    except UnicodeDecodeError as e:
        print(f"check_sarif: {path}: not UTF-8: {e}")
        return 1
    try:
        log = json.loads(text)
    except ValueError as e:
        print(f"check_sarif: {path}: not JSON: {e}")
        return 1
    count = check(log, args)
    for p in problems:
        print("check_sarif:", p)
    if not problems:
        print(f"sarif ok: {count} results")
    return 1 if problems else 0


sys.exit(main())
