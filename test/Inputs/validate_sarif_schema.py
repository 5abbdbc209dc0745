#!/usr/bin/env python3
"""Validates SARIF logs against the published SARIF 2.1.0 JSON schema (the optional full check).

usage: validate_sarif_schema.py SCHEMA FILE...

SCHEMA is sarif-schema-2.1.0.json (OASIS; not vendored here, see docs/ci.md). Needs
python3-jsonschema (Debian); with python3-rfc3987 the uri / uri-reference formats are
checked too, otherwise a built-in RFC 3986 check stands in for them. Prints every error
with its JSON path, "FILE: ok" for a valid log, and exits 1 if any file fails.
Not run by CI: test/Inputs/check_sarif.py is the dependency-free structural check.
"""
import json
import re
import sys

import jsonschema

# RFC 3986 URI-reference / absolute URI (no spaces, % followed by two hex digits).
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})"
_URI_REF = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?" + _PCHAR + r"*(?:#" + _PCHAR + r"*)?$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:" + _PCHAR + r"*(?:#" + _PCHAR + r"*)?$")
# RFC 3339 date-time.
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")


def format_checker():
    checker = jsonschema.FormatChecker()
    fallback = {"uri": _URI, "uri-reference": _URI_REF, "date-time": _DATE_TIME}
    for name, pattern in fallback.items():
        if name not in checker.checkers:
            checker.checks(name)(lambda v, p=pattern: not isinstance(v, str) or bool(p.match(v)))
    return checker


def root_schema(schema):
    # Some published copies keep the root object under definitions/Root (the top level then
    # constrains nothing); validate against it so such a copy checks the whole log.
    if "properties" not in schema and "Root" in schema.get("definitions", {}):
        schema = dict(schema)
        schema["$ref"] = "#/definitions/Root"
    return schema


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2])
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = root_schema(json.load(f))
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema, format_checker=format_checker())
    failed = 0
    for path in sys.argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                log = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{path}: not JSON: {e}")
            failed += 1
            continue
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        for e in errors:
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path)
            print(f"{path}: ${where}: {e.message} (schema {'/'.join(map(str, e.absolute_schema_path))})")
        if errors:
            failed += 1
        else:
            print(f"{path}: ok")
    print(f"{len(sys.argv) - 2 - failed} valid, {failed} invalid")
    return 1 if failed else 0


sys.exit(main())
