#!/usr/bin/env python3
"""Real clients for `recdeck serve` (issue 18), Python's standard urllib only.

  serve-clients.py race BASE CLIENTS KEYS   CLIENTS threads each upsert the same KEYS new keys (native);
                                            prints a JSON summary of statuses and failures.
  serve-clients.py sequence BASE            a create-then-update per dialect; prints each status pair.
"""
import json
import sys
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
    out["bulk"] = [
        call("POST", f"{base}/objects/contacts/batch/upsert",
             {"records": [{"attributes": {"contact_id": "PY3", "score": i}, "identifiers": {"ext_id": "PY-EXT-3"}}]})[0]
        for i in range(2)]
    print(json.dumps(out))


if __name__ == "__main__":
    mode, base = sys.argv[1], sys.argv[2]
    if mode == "race":
        race(base, int(sys.argv[3]), int(sys.argv[4]))
    else:
        sequence(base)
