#!/usr/bin/env python3
"""Real clients for `recdeck serve` (issue 18), Python's standard urllib only.

  serve-clients.py race BASE CLIENTS KEYS   CLIENTS threads each upsert the same KEYS new keys (native);
                                            prints a JSON summary of statuses and failures.
  serve-clients.py sequence BASE            a create-then-update per dialect; prints each status pair.
  serve-clients.py bad-input BASE           bad requests of every kind (an unknown route, a wrong method,
                                            malformed JSON, a body that is not UTF-8, an enormous header and
                                            query string, a client that never finishes its body); prints what
                                            each got and whether the server kept answering meanwhile.
"""
import json
import socket
import sys
import time
import threading
import urllib.error
import urllib.request


def call(method, url, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def race(base, clients, keys):
    statuses, failures, lock = {}, [], threading.Lock()

    def client(n):
        for k in range(keys):
            body = {"lookup": {"identifier": "contact_id"}, "data": {"contact_id": f"RACE{k}", "score": n}}
            status, answer = call("POST", f"{base}/types/contacts/upsert", body)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status not in (200, 201):
                    failures.append(answer)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"statuses": {str(k): v for k, v in statuses.items()}, "failures": failures[:5]}))


def sequence(base):
    out = {}
    out["native"] = [
        call("POST", f"{base}/types/contacts/upsert",
             {"lookup": {"identifier": "contact_id"}, "data": {"contact_id": "PY0", "score": i}})[0]
        for i in range(2)]
    out["voxworks"] = [
        call("POST", f"{base}/api/v1/upsert-object",
             {"type_name": "properties", "name": "Py flat", "data": {"external_ids": {"rex": {"property_id": "PY1"}}, "beds": i}})[0]
        for i in range(1, 3)]
    out["nex"] = [
        call("PUT", f"{base}/api/developers/v1/objects/contacts",
             {"matching_attribute": "contact_id", "attributes": {"contact_id": "PY2", "score": i}})[0]
        for i in range(2)]
    out["kizen"] = [
        call("POST", f"{base}/api/records/contacts/upsert",
             {"lookup_value": "py4@x.io", "fields": {"contact_id": "PY4", "title": f"T{i}"}})[0]
        for i in range(2)]
    out["zendesk"] = [
        call("PATCH", f"{base}/api/v2/custom_objects/companies/records?external_id=PY5",
             {"custom_object_record": {"name": "Py Five", "custom_object_fields": {"size": i}}})[0]
        for i in range(1, 3)]
    out["bulk"] = [
        call("POST", f"{base}/objects/contacts/batch/upsert",
             {"records": [{"attributes": {"contact_id": "PY3", "score": i}, "identifiers": {"ext_id": "PY-EXT-3"}}]})[0]
        for i in range(2)]
    print(json.dumps(out))


def raw(method, url, data=None, headers=None):
    """Status, headers and body bytes, whatever the body is."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def bad_input(base):
    out = {}
    status, headers, body = raw("GET", f"{base}/no/such/route")
    out["unknown_route"] = {"status": status, "type": headers.get("Content-Type"), "body": json.loads(body)}
    status, headers, body = raw("GET", f"{base}/api/v1/upsert-object")
    out["wrong_method"] = {"status": status, "allow": headers.get("Allow"), "body": json.loads(body)}
    status, _, body = raw("POST", f"{base}/api/records/contacts/upsert", b'{"lookup_value": "a@b.io",\n "fields": {,}}')
    out["malformed"] = {"status": status, "body": json.loads(body)}
    status, _, body = raw("POST", f"{base}/api/v1/upsert-object", b'\xff\xfe{"type_name": "contacts"}')
    out["not_utf8"] = {"status": status, "body": json.loads(body)}
    status, _, body = raw("GET", f"{base}/types", headers={"X-Enormous": "a" * 200_000})
    out["enormous_header"] = {"status": status}
    status, _, body = raw("GET", f"{base}/types?q=" + "a" * 200_000)
    out["enormous_query"] = {"status": status}
    # A client that sends half a body and then nothing: the server closes it after --client-timeout, and
    # answers others meanwhile.
    slow = socket.create_connection(tuple(base.replace("http://", "").split(":")[:1]) + (int(base.rsplit(":", 1)[1]),))
    slow.sendall(b"POST /types/contacts/upsert HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 500\r\n\r\n{\"data\": {")
    started = time.time()
    health = raw("GET", f"{base}/__recdeck/health")[0]
    meanwhile = time.time() - started
    slow.settimeout(30)
    closed = slow.recv(1000)
    out["slow_client"] = {"health_meanwhile": health, "health_seconds": round(meanwhile, 3),
                          "closed_after": round(time.time() - started, 1), "answer": closed.decode(errors="replace")}
    out["health_after"] = raw("GET", f"{base}/__recdeck/health")[0]
    print(json.dumps(out))


if __name__ == "__main__":
    mode, base = sys.argv[1], sys.argv[2]
    if mode == "race":
        race(base, int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "bad-input":
        bad_input(base)
    else:
        sequence(base)
