#!/usr/bin/env python3
"""Do hostile site values stay data in every rendered file?

For each case, the same site file was rendered twice: once with a benign value in one field and once
with that value carrying a hostile payload (a quote, `$()`, a backtick, `{{`, `#`, non-ASCII…). Each
file of both bundles is read by a real parser for its language — PyYAML, json, shfmt (bash),
crossplane (nginx), python-hcl2 (Terraform), nft itself in a user namespace (nftables), markdown-it
(Markdown), and small readers for systemd units and logrotate — and the two parse trees are compared
after the hostile value is replaced by the benign one in every string of the hostile tree. If the
value had become code anywhere (a command, a key, a directive, a rule, a heading), the trees differ.

Usage: render_differential.py MANIFEST.json    (prints a JSON list of failures; exit 0 when none)
The manifest is a list of {"case", "hostile", "benign", "hostileDir", "benignDir", "derived": [[h, b]…]}.
"""
import base64
import gzip
import json
import os
import subprocess
import sys
import zlib

import crossplane
import hcl2
import yaml
from markdown_it import MarkdownIt


def forms(text):
    """The forms a value takes once escaped for a target, always in the same order: raw, JSON/YAML
    double-quoted (with and without \\u escapes), backslash-escaped, shell single-quoted."""
    return [text, json.dumps(text, ensure_ascii=False)[1:-1], json.dumps(text)[1:-1],
            text.replace("\\", "\\\\").replace('"', '\\"'), text.replace("'", "'\\''")]


def replacement_pairs(hostile, benign, derived):
    pairs = {}
    for found, expected in list(zip(forms(hostile), forms(benign))) + [tuple(pair) for pair in derived]:
        if found != expected and found not in pairs:
            pairs[found] = expected
    return sorted(pairs.items(), key=lambda pair: len(pair[0]), reverse=True)


def replace_strings(node, pairs):
    if isinstance(node, str):
        for hostile, benign in pairs:
            node = node.replace(hostile, benign)
        return node
    if isinstance(node, list):
        return [replace_strings(item, pairs) for item in node]
    if isinstance(node, dict):
        return {replace_strings(key, pairs): replace_strings(value, pairs) for key, value in node.items()}
    return node


# --- readers, one per language ------------------------------------------------------------------

def read_yaml(path):
    with open(path, encoding="utf-8") as handle:
        documents = list(yaml.safe_load_all(handle))
    for document in documents:
        # cloud-init carries the bundle's files gzip+base64, each byte for byte the bundle's own file
        # (which is checked on its own): the entry says whether it is, not what it holds.
        if isinstance(document, dict) and isinstance(document.get("write_files"), list):
            root = os.path.dirname(os.path.dirname(path))
            for entry in document["write_files"]:
                if entry.get("encoding") in ("gz+b64", "gzip+base64"):
                    content = zlib.decompress(base64.b64decode(entry["content"]), 47)
                    source = os.path.join(root, entry["path"].replace("/opt/vigie-bundle/", "", 1))
                    with open(source, "rb") as handle:
                        same = handle.read() == content
                    entry["content"] = "the bundle's file" if same else content.decode("utf-8")
                    entry["encoding"] = "checked"
    return documents


def read_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def strip_positions(node):
    if isinstance(node, dict):
        return {key: strip_positions(value) for key, value in node.items()
                if not (isinstance(value, dict) and set(value) == {"Offset", "Line", "Col"})}
    if isinstance(node, list):
        return [strip_positions(item) for item in node]
    return node


def unescape(text, quoted):
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            if not quoted or following in '$`"\\\n':
                if following != "\n":
                    out.append(following)
                index += 2
                continue
        out.append(char)
        index += 1
    return "".join(out)


def merge_words(node):
    """A word's literal parts (bare, single- or double-quoted) merged into one string each: quoting is
    how a value is written, not what it is; expansions and substitutions stay nodes."""
    if isinstance(node, list):
        return [merge_words(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "Parts" in node and node.get("Type") in (None, "Word", "DblQuoted"):
        quoted = node.get("Type") == "DblQuoted"
        parts = []
        for part in node["Parts"]:
            if part.get("Type") == "Lit":
                literal = unescape(part.get("Value", ""), quoted)
            elif part.get("Type") == "SglQuoted" and not part.get("Dollar"):
                literal = part.get("Value", "")
            elif part.get("Type") == "DblQuoted":
                inner = merge_words(part)
                if all(isinstance(item, str) for item in inner["Parts"]):
                    literal = "".join(inner["Parts"])
                else:
                    parts.append(inner)
                    continue
            else:
                parts.append(merge_words(part))
                continue
            if parts and isinstance(parts[-1], str):
                parts[-1] += literal
            else:
                parts.append(literal)
        merged = {key: merge_words(value) for key, value in node.items() if key != "Parts"}
        merged["Parts"] = parts
        return merged
    return {key: merge_words(value) for key, value in node.items()}


def read_shell(path):
    # bash itself must accept the script (it reads, runs nothing: -n), and shfmt gives the syntax tree.
    syntax = subprocess.run(["bash", "-n", path], capture_output=True, text=True)
    if syntax.returncode != 0:
        raise ValueError("bash -n: " + syntax.stderr.strip())
    with open(path, "rb") as handle:
        result = subprocess.run(["shfmt", "--to-json", "-ln", "bash"], stdin=handle, capture_output=True, text=True)
    if result.returncode != 0:
        raise ValueError("shfmt: " + result.stderr.strip())
    return merge_words(strip_positions(json.loads(result.stdout)))


def read_nginx(path):
    parsed = crossplane.parse(path, single=True, comments=True, check_ctx=False, check_args=False)
    if parsed["status"] != "ok":
        raise ValueError("crossplane: %s" % parsed["errors"])

    def clean(directives):
        return [{"directive": d["directive"], "args": d["args"], "comment": d.get("comment"),
                 "block": clean(d["block"]) if "block" in d else None} for d in directives]
    return clean(parsed["config"][0]["parsed"])


def read_hcl(path):
    with open(path, encoding="utf-8") as handle:
        return hcl2.load(handle)


def read_nft(path):
    # nft reads the file for real in a user and network namespace of its own, then lists what it loaded.
    result = subprocess.run(["unshare", "-rn", "sh", "-c", 'nft -f "$1" && nft -j list ruleset', "sh", path],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise ValueError("nft: " + result.stderr.strip())
    return json.loads(result.stdout)


def read_systemd(path):
    sections, current, pending = [], None, ""
    with open(path, encoding="utf-8") as handle:
        for line in handle.read().split("\n"):
            if not pending and (line.startswith("#") or line.startswith(";") or not line.strip()):
                continue
            line = pending + line
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            pending = ""
            if line.startswith("[") and line.endswith("]"):
                current = [line[1:-1], []]
                sections.append(current)
            elif "=" in line and current is not None:
                key, value = line.split("=", 1)
                current[1].append([key.strip(), value.strip()])
            else:
                raise ValueError("systemd: not a section, key=value or comment: %r" % line)
    return sections


def read_logrotate(path):
    with open(path, encoding="utf-8") as handle:
        lines = [line for line in handle.read().split("\n") if not line.lstrip().startswith("#")]
    return " ".join(lines).split()


def read_markdown(path):
    with open(path, encoding="utf-8") as handle:
        tokens = MarkdownIt("commonmark").enable("table").parse(handle.read())

    def shape(token):
        return [token.type, token.tag, token.nesting, [shape(child) for child in token.children or []]
                if token.type == "inline" else token.content]
    return [shape(token) for token in tokens]


def reader_for(relative, path):
    name = os.path.basename(relative)
    with open(path, "rb") as handle:
        head = handle.read(64)
    if head.startswith(b"#!/bin/bash") or head.startswith(b"#!/bin/sh") or relative.startswith("defaults/"):
        return read_shell
    if head.startswith(b"#!/usr/sbin/nft"):
        return read_nft
    if name.endswith((".yml", ".yaml")):
        return read_yaml
    if name.endswith(".json"):
        return read_json
    if name.endswith(".tf"):
        return read_hcl
    if name.endswith(".md"):
        return read_markdown
    if name.endswith((".service", ".timer")):
        return read_systemd
    if relative.startswith("nginx/"):
        return read_nginx
    if relative.startswith("logrotate/"):
        return read_logrotate
    return None


def files(directory):
    found = []
    for root, _, names in os.walk(directory):
        for name in names:
            full = os.path.join(root, name)
            found.append(os.path.relpath(full, directory))
    return sorted(found)


BENIGN = {}


def parsed_benign(path, reader):
    """A benign render is shared by many cases: parsed once."""
    if path not in BENIGN:
        try:
            BENIGN[path] = (True, reader(path))
        except Exception as error:
            BENIGN[path] = (False, error)
    return BENIGN[path]


def check(case):
    failures = []
    # Names derived from the value (a cloud resource name, a dashboard uid) are replaced whole too.
    pairs = replacement_pairs(case["hostile"], case["benign"], case.get("derived", []))
    benign_files = files(case["benignDir"])
    hostile_files = files(case["hostileDir"])
    if benign_files != hostile_files:
        return [{"case": case["case"], "file": "*", "why": "different files: %s" % sorted(set(benign_files) ^ set(hostile_files))}]
    for relative in benign_files:
        with open(os.path.join(case["benignDir"], relative), "rb") as a, open(os.path.join(case["hostileDir"], relative), "rb") as b:
            if a.read() == b.read():
                continue  # the value does not reach this file
        reader = reader_for(relative, os.path.join(case["benignDir"], relative))
        if reader is None:
            failures.append({"case": case["case"], "file": relative, "why": "no reader for this file"})
            continue
        parsed, expected = parsed_benign(os.path.join(case["benignDir"], relative), reader)
        if not parsed:  # the benign render must parse: a failure here is a defect too
            failures.append({"case": case["case"], "file": relative, "why": "benign render does not parse: %s" % expected})
            continue
        try:
            found = reader(os.path.join(case["hostileDir"], relative))
        except Exception as error:
            failures.append({"case": case["case"], "file": relative, "why": "does not parse: %s" % error})
            continue
        if replace_strings(found, pairs) != expected:
            failures.append({"case": case["case"], "file": relative,
                             "why": "the value changed the parse: %s" % first_difference(replace_strings(found, pairs), expected)})
    return failures


def first_difference(found, expected, path="$"):
    if type(found) is not type(expected):
        return "%s: %r instead of %r" % (path, found, expected)
    if isinstance(found, dict):
        for key in sorted(set(found) | set(expected), key=str):
            if key not in found or key not in expected:
                return "%s.%s present on one side only" % (path, key)
            if found[key] != expected[key]:
                return first_difference(found[key], expected[key], "%s.%s" % (path, key))
    if isinstance(found, list):
        if len(found) != len(expected):
            return "%s: %d items instead of %d" % (path, len(found), len(expected))
        for index, (a, b) in enumerate(zip(found, expected)):
            if a != b:
                return first_difference(a, b, "%s[%d]" % (path, index))
    return "%s: %r instead of %r" % (path, found, expected)


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        cases = json.load(handle)
    failures = []
    for case in cases:
        failures.extend(check(case))
    json.dump(failures, sys.stdout, ensure_ascii=True, indent=1)
    sys.stdout.write("\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
