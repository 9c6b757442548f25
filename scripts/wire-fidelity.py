#!/usr/bin/env python3
"""Wire fidelity (issue 15): every dialect's native answers, from the real binary, checked against the
APIs' own published documents in ../shared/seeds.

- Voxworks (OpenAPI 3.1, seed 000) and Kizen (OpenAPI 3.0, seed 001): each answer is validated with
  jsonschema against the schema the document gives for that operation and status. A status the
  document does not list is reported as a decision (README, "Dialects") and its body is validated
  against the document's error schema.
- Nex (seed 002): every member of the documented example response, with the example's JSON types.
- Zendesk (seed 004): every custom_object_record member the page lists, with its documented type.
- Bulk (seed 003): 202 with a processId; errors name what is wrong.

Usage: scripts/wire-fidelity.py [path/to/recdeck]   (needs: pip install jsonschema pyyaml)
Exits 1 when any answer fails, printing each failure.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("RECDECK_SEEDS", ROOT.parent / "shared" / "seeds"))
BINARY = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build" / "debug" / "recdeck")

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("uuid")
def is_uuid(value):
    return not isinstance(value, str) or bool(UUID.match(value))


def seed(prefix):
    matches = sorted(SEEDS.glob(prefix + "_*.txt"))
    if not matches:
        sys.exit(f"error: no seed {prefix}_*.txt in {SEEDS}: is ../shared beside the package?")
    return matches[0].read_text()


def voxworks_document():
    text = seed("000")
    block = re.search(r"````yaml[^\n]*\n(.*?)````", text, re.S)
    return yaml.safe_load(block.group(1))


def kizen_document():
    text = seed("001")
    # The first JSON block is the whole OpenAPI document of the upsert operation.
    block = re.search(r"```json\n(\{.*?\})\n```", text, re.S)
    return json.loads(block.group(1))


def resolve(document, node):
    while isinstance(node, dict) and "$ref" in node:
        path = node["$ref"].lstrip("#/").split("/")
        node = document
        for part in path:
            node = node[part]
    return node


def response_schema(document, path, method, status):
    """The schema the document gives for an answer, or None when it does not list the status."""
    responses = document["paths"][path][method]["responses"]
    entry = responses.get(str(status))
    if entry is None:
        return None
    entry = resolve(document, entry)
    return entry["content"]["application/json"]["schema"]


class Check:
    def __init__(self):
        self.failures = []
        self.counts = {}
        self.undocumented = set()

    def answer(self, dialect, label, ok, detail=""):
        passed, total = self.counts.get(dialect, (0, 0))
        self.counts[dialect] = (passed + (1 if ok else 0), total + 1)
        if not ok:
            self.failures.append(f"{dialect}: {label}: {detail}")

    def schema(self, dialect, document, path, method, label, status, body, error_schema):
        schema = response_schema(document, path, method, status)
        if schema is None:
            self.undocumented.add(f"{dialect} {status}")
            if status < 400:
                self.answer(dialect, label, False, f"success status {status} is not in the document")
                return
            schema = error_schema
        # OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0's are (close to) draft 4. The operation's schema
        # is validated with the whole document as its root, so its $refs resolve.
        draft = (jsonschema.Draft202012Validator if document["openapi"].startswith("3.1")
                 else jsonschema.Draft4Validator)
        validator = draft({**document, **schema}, format_checker=FORMATS)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        detail = "; ".join(f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors[:3])
        self.answer(dialect, f"{label} ({status})", not errors, detail + f"\n    body: {json.dumps(body)[:400]}")


class Store:
    def __init__(self, folder):
        self.db = str(Path(folder) / "wire.sqlite")
        self.env = dict(os.environ, XDG_DATA_HOME=str(Path(folder) / "data"), XDG_CONFIG_HOME=str(Path(folder)))
        self.env.pop("RECDECK_DB", None)

    def run(self, *args, stdin=None):
        return subprocess.run([BINARY, *args, "--db", self.db], input=stdin, capture_output=True, text=True,
                              env=self.env)

    def upsert(self, dialect, type_key, body, query=(), plan=False):
        args = ["plan" if plan else "upsert", "--dialect", dialect, "--json"]
        for q in query:
            args += ["--query", q]
        if type_key is not None:
            args.append(type_key)
        args.append("-")
        done = self.run(*args, stdin=body if isinstance(body, str) else json.dumps(body))
        try:
            out = json.loads(done.stdout)
        except json.JSONDecodeError:
            raise SystemExit(f"{dialect} {body}: no JSON answer (exit {done.returncode}): {done.stderr}")
        return out["status"], out.get("response", out)


TYPES = [
    {"key": "contacts", "name": "Contacts", "kind": "contact",
     "fields": [{"key": "email", "type": "email", "required": True}, {"key": "phone", "type": "phone"},
                {"key": "score", "type": "integer"}, {"key": "first_name", "type": "string"}],
     "identifiers": [{"name": "email", "source": "$.email", "normalize": "email"}]},
    {"key": "companies", "name": "Companies", "kind": "custom", "name_field": {"required": True, "unique": True},
     "identifiers": []},
    {"key": "properties", "name": "Properties", "kind": "custom",
     "identifiers": [{"name": "rex", "source": "$.external_ids.rex.property_id", "normalize": "exact"},
                     {"name": "pid", "source": "$.id", "normalize": "exact"}]},
    {"key": "person", "name": "People", "kind": "contact", "workspace_id": "32414268188027645",
     "fields": [{"key": "name", "type": "object"}, {"key": "email_addresses", "type": "array"},
                {"key": "job_title", "type": "string"}, {"key": "phone_number", "type": "object"}],
     "identifiers": [{"name": "email_addresses", "source": "$.email_addresses", "normalize": "email"}]},
    {"key": "assets", "name": "Assets", "kind": "custom", "name_field": {"required": False, "unique": True},
     "fields": [{"key": "serial", "type": "string"}, {"key": "location", "type": "string"}], "identifiers": []},
]


def voxworks(store, check):
    document = voxworks_document()
    error = document["components"]["schemas"]["ErrorResponse"]
    requests = [
        ("create by the default key", {"name": "12 Main St", "type_name": "properties",
                                       "data": {"external_ids": {"rex": {"property_id": "P1"}}, "beds": 2}}),
        ("update by the default key", {"name": "12 Main St", "type_name": "properties",
                                       "data": {"external_ids": {"rex": {"property_id": "P1"}}, "beds": 3}}),
        ("no-op update", {"name": "12 Main St", "type_name": "properties",
                          "data": {"external_ids": {"rex": {"property_id": "P1"}}, "beds": 3}}),
        ("numeric $.id key", {"name": "Flat 9", "type_name": "properties", "data": {"id": 9}}),
        ("explicit upsert_key", {"name": "Flat 9", "type_id": "properties", "data": {"id": 9, "beds": 1},
                                 "upsert_key": {"path": "$.id", "value": "9"}}),
        ("parent_id", {"name": "Unit", "type_name": "properties", "data": {"id": "u1"}, "parent_id": "root"}),
        ("deprecated unique_key", {"name": "Flat 9", "type_name": "properties", "data": {"id": 9},
                                   "unique_key": {"path": "$.id"}}),
        ("no name", {"type_name": "properties", "data": {"id": "1"}}),
        ("keys disagree", {"name": "A", "type_name": "properties", "upsert_key": {"path": "$.id", "value": "1"},
                           "unique_key": {"path": "$.x", "value": "1"}}),
        ("unknown type", {"name": "A", "type_name": "no_such_type", "data": {}}),
        ("name too long", {"name": "x" * 300, "type_name": "properties", "data": {}}),
        ("unknown member", {"name": "A", "type_name": "properties", "colour": "red"}),
        ("not an object", [1, 2]),
        ("malformed JSON", '{"name": "A",}'),
        ("archived match", {"name": "Gone", "type_name": "properties", "data": {"id": "gone"}}),
    ]
    for label, body in requests:
        if label == "archived match":
            store.upsert("voxworks", None, {"name": "Gone", "type_name": "properties", "data": {"id": "gone"}})
            store.run("archive", "properties", "gone")
        status, answer = store.upsert("voxworks", "properties" if isinstance(body, (str, list)) else None, body)
        check.schema("voxworks", document, "/api/v1/upsert-object", "post", label, status, answer, error)


def kizen(store, check):
    document = kizen_document()
    error = document["components"]["schemas"]["ErrorResponse"]
    path = "/api/records/{object_identifier}/upsert"
    store.upsert("native", "companies", {"name": "Acme", "data": {"industry": "retail"}})
    store.upsert("native", "companies", {"name": "Gone Ltd", "data": {}})
    store.run("archive", "companies", "Gone Ltd")
    store.upsert("native", "contacts", {"data": {"email": "old@x.com"}})
    store.run("archive", "contacts", "old@x.com")
    requests = [
        ("contacts", "create a contact", {"lookup_value": "jane@x.com", "fields": {"first_name": "Jane"}}, ()),
        ("contacts", "update by email", {"lookup_value": "JANE@x.com", "fields": {"score": 9}}, ()),
        ("contacts", "return_all_fields", {"lookup_value": "jane@x.com", "fields": {"score": 10}},
         ("return_all_fields=true",)),
        ("contacts", "no-op update", {"lookup_value": "jane@x.com", "fields": {"score": 10}}, ()),
        ("contacts", "a data field named id", {"lookup_value": "jane@x.com", "fields": {"id": "x-1"}}, ()),
        ("companies", "update by name", {"lookup_value": "ACME", "fields": {"size": 2}}, ()),
        ("companies", "create by name", {"lookup_value": "Globex", "fields": {}}, ()),
        ("companies", "archived match, prompt", {"lookup_value": "Gone Ltd", "fields": {"size": 5}}, ()),
        ("companies", "archived match, unarchive", {"lookup_value": "Gone Ltd", "oncreate_unarchive": "unarchive",
                                                     "fields": {"size": 5}}, ()),
        ("contacts", "update onto an archived email", {"lookup_value": "jane@x.com",
                                                       "fields": {"email": "old@x.com"}}, ()),
        ("contacts", "archived conflict, overwrite", {"lookup_value": "jane@x.com", "fields": {"email": "old@x.com"},
                                                       "onupdate_archived_conflict": "overwrite"}, ()),
        ("contacts", "no lookup_value", {"fields": {"first_name": "X"}}, ()),
        ("contacts", "bad option", {"lookup_value": "a@x.com", "oncreate_unarchive": "bogus"}, ()),
        ("contacts", "invalid field value", {"lookup_value": "b@x.com", "fields": {"score": "many"}}, ()),
        ("contacts", "unknown member", {"lookup_value": "b@x.com", "colour": "red"}, ()),
        ("no_such_object", "unknown object", {"lookup_value": "x"}, ()),
        ("contacts", "malformed JSON", '{"lookup_value": "x",}', ()),
    ]
    for type_key, label, body, query in requests:
        status, answer = store.upsert("kizen", type_key, body, query)
        check.schema("kizen", document, path, "post", label, status, answer, error)


def json_type(value):
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")


def nex(store, check):
    text = seed("002")
    decoder = json.JSONDecoder()
    example = decoder.raw_decode(text, text.index("'{\n\"id\"") + 1)[0]
    request = decoder.raw_decode(text, text.index("--data '\n") + 9)[0]
    for label, body in [("the seed's own curl request (create)", request),
                        ("the same again (update)", request),
                        ("a new email added", {"matching_attribute": "email_addresses",
                                               "attributes": {"email_addresses": ["j.smith@example.com",
                                                                                  "jane@example.com"]}})]:
        status, answer = store.upsert("nex", "person", body)
        missing = [k for k in example if k not in answer]
        wrong = [k for k in example if k in answer and json_type(answer[k]) != json_type(example[k])]
        check.answer("nex", label, status == 200 and not missing and not wrong,
                     f"status {status}, missing {missing}, wrong types {wrong}: {json.dumps(answer)[:300]}")
    for label, body in [("matching attribute not unique", {"matching_attribute": "job_title",
                                                           "attributes": {"job_title": "CTO"}}),
                        ("unknown object", None)]:
        status, answer = store.upsert("nex", "person" if body else "planets", body or {"matching_attribute": "x"})
        ok = status >= 400 and all(k in answer for k in ("status_code", "type", "code", "message"))
        check.answer("nex", label, ok and answer["status_code"] == status, json.dumps(answer))


def zendesk(store, check):
    text = seed("004")
    members = dict(re.findall(r"custom_object_record\.(\w+) (String|Object)", text))
    for label, query, body in [
        ("create by external_id", "external_id=A-1", {"custom_object_record": {"name": "Laptop 1",
                                                                              "custom_object_fields": {"serial": "S1"}}}),
        ("update by external_id", "external_id=A-1", {"custom_object_record": {"custom_object_fields":
                                                                              {"location": "HQ"}}}),
        ("update by name", "name=laptop 1", {"custom_object_record": {"custom_object_fields": {"serial": "S2"}}}),
        ("a record copied from a GET", "external_id=A-1",
         {"custom_object_record": {"id": "x", "url": "u", "created_at": "t", "name": "Laptop 1",
                                   "custom_object_fields": {"serial": "S3"}}}),
    ]:
        status, answer = store.upsert("zendesk", "assets", body, (query,))
        record = answer.get("custom_object_record", {})
        missing = [k for k in members if k not in record]
        wrong = [k for k, t in members.items() if k in record and record[k] is not None
                 and json_type(record[k]) != t.lower()]
        check.answer("zendesk", label, status in (200, 201) and not missing and not wrong,
                     f"status {status}, missing {missing}, wrong types {wrong}: {json.dumps(answer)[:300]}")
    for label, query, body in [("both external_id and name", ("external_id=1", "name=x"), {}),
                               ("neither", (), {"custom_object_record": {}}),
                               ("unknown object", ("external_id=1",), {"custom_object_record": {}})]:
        status, answer = store.upsert("zendesk", "planets" if label == "unknown object" else "assets", body, query)
        errors = answer.get("errors", [])
        ok = status >= 400 and errors and all(all(k in e for k in ("code", "title", "detail")) for e in errors)
        check.answer("zendesk", label, bool(ok), json.dumps(answer))


def bulk(store, check):
    status, answer = store.upsert("bulk", "assets", {"records": [
        {"attributes": {"serial": "B1"}, "identifiers": {"ext_id": "B-1"}},
        {"attributes": {"serial": "B2", "colour": "red"}, "identifiers": {"ext_id": "B-2"}}]})
    check.answer("bulk", "batch upsert", status == 202 and isinstance(answer.get("processId"), str), json.dumps(answer))
    for label, type_key, body in [("empty records", "assets", {"records": []}),
                                  ("over 1000 records", "assets", {"records": [{"attributes": {}}] * 1001}),
                                  ("invalid object type", "boats", {"records": [{"attributes": {}}]})]:
        status, answer = store.upsert("bulk", type_key, body)
        check.answer("bulk", label, status == 400 and answer.get("status") == "error" and answer.get("message"),
                     json.dumps(answer)[:300])


def main():
    check = Check()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(folder)
        done = store.run("type", "apply", "-", stdin=json.dumps(TYPES))
        if done.returncode != 0:
            sys.exit(f"type apply failed: {done.stderr}")
        for run in (voxworks, kizen, nex, zendesk, bulk):
            run(store, check)
    for dialect, (passed, total) in check.counts.items():
        print(f"{dialect:9} {passed}/{total} answers match the published document")
    if check.undocumented:
        print("statuses the documents do not list (README, Dialects):", ", ".join(sorted(check.undocumented)))
    for f in check.failures:
        print("FAIL", f)
    sys.exit(1 if check.failures else 0)


if __name__ == "__main__":
    main()
