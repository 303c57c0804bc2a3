#!/usr/bin/env python3
# openapi.py - the API against its description: www/static/openapi.json,
# as savoird serves it at /api/openapi.json, is checked against real
# answers of a savoird on the shipped corpus.  Every documented operation
# is called with the examples of its parameters, plus calls that bring out
# the optional fields and the errors; every answer is validated against
# its schema (additionalProperties: false: a field added in C and not
# documented fails), every documented property must appear in at least
# one answer, every error is our JSON shape with a documented code and a
# status the operation lists, and snippet_matches are checked against the
# <mark>s of the HTML snippet, in code points.  TAP on stdout.
# Usage: openapi.py PORT SPEC_FILE [DAEMON_LOG [NOINDEX_PORT]]
# NOINDEX_PORT: a savoird whose index cannot be opened (503 no_index).
import copy, html, json, re, sys, urllib.parse

import jsonschema

import rawhttp

PORT = int(sys.argv[1])
SPEC_FILE = sys.argv[2]
LOG = sys.argv[3] if len(sys.argv) > 3 else None
NOINDEX_PORT = int(sys.argv[4]) if len(sys.argv) > 4 else None
n = 0
failed = 0


def ok(cond, desc, diag=None):
    global n, failed
    n += 1
    if cond:
        print("ok %d - %s" % (n, desc))
    else:
        failed += 1
        print("not ok %d - %s" % (n, desc))
        for line in str(diag or "").splitlines()[:30]:
            print("# " + line)
    return cond


def request(raw, port=None):
    """Send raw bytes, return (status, headers dict, body bytes)."""
    def complete(d):
        head, sep, body = d.partition(b"\r\n\r\n")
        m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        return sep and m and len(body) >= int(m.group(1))

    s = rawhttp.connect(port or PORT)
    s.sendall(raw)
    # Our errors keep the connection open unless the head was refused.
    data, _ = rawhttp.read(s, until=complete)
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    hdrs = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, body


def get(target, method="GET", extra=b""):
    if isinstance(target, str):
        target = target.encode()
    return request(method.encode() + b" " + target + b" HTTP/1.1\r\n"
                   b"Host: localhost\r\nConnection: close\r\n" + extra + b"\r\n")


status, hdrs, body = get("/api/openapi.json")
ok(status == 200 and hdrs.get("content-type", "").startswith("application/json"),
   "/api/openapi.json is served as JSON", (status, hdrs))
ok("max-age" in hdrs.get("cache-control", "") and "etag" in hdrs,
   "... cacheable like the other static files", hdrs)
spec = json.loads(body)
ok(spec == json.load(open(SPEC_FILE, encoding="utf-8")),
   "... and is www/static/openapi.json")
ok(spec.get("openapi", "").startswith("3.1"), "... an OpenAPI 3.1 description")
for name, s in spec["components"]["schemas"].items():
    jsonschema.Draft202012Validator.check_schema(s)
ok(True, "every schema is valid JSON Schema 2020-12")


_validators = {}


def validator(pointer):
    """A validator for the schema at pointer in the description."""
    if pointer not in _validators:
        root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": spec["components"], "paths": spec["paths"],
                "$ref": pointer}
        _validators[pointer] = jsonschema.Draft202012Validator(root)
    return _validators[pointer]


def resolve(pointer):
    node = spec
    for part in pointer.lstrip("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


# --- coverage: which documented properties real answers hold -------------
documented = set()


def collect(node, pointer):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "properties" and isinstance(v, dict):
                for p in v:
                    documented.add(pointer + "/properties/" + p)
            collect(v, pointer + "/" + k.replace("~", "~0").replace("/", "~1"))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            collect(v, pointer + "/" + str(i))


collect(spec["components"], "#/components")
seen = set()


def walk(pointer, inst):
    """Mark the documented properties inst holds, schema at pointer."""
    s = resolve(pointer)
    if not isinstance(s, dict):
        return
    if "$ref" in s:
        walk(s["$ref"], inst)
    for key in ("oneOf", "anyOf"):
        for i, sub in enumerate(s.get(key, [])):
            p = "%s/%s/%d" % (pointer, key, i)
            if validator(p).is_valid(inst):
                walk(p, inst)
    if isinstance(inst, dict):
        for k, v in inst.items():
            if k in s.get("properties", {}):
                seen.add(pointer + "/properties/" + k)
                walk(pointer + "/properties/" + k, v)
            elif isinstance(s.get("additionalProperties"), dict):
                walk(pointer + "/additionalProperties", v)
    elif isinstance(inst, list):
        pi = s.get("prefixItems", [])
        for i, v in enumerate(inst):
            if i < len(pi):
                walk("%s/prefixItems/%d" % (pointer, i), v)
            elif isinstance(s.get("items"), dict):
                walk(pointer + "/items", v)


# --- the calls -------------------------------------------------------------
def example_target(path, op):
    q = []
    for p in op.get("parameters", []):
        if p["in"] == "path":
            path = path.replace("{%s}" % p["name"], p["example"])
        elif "example" in p:
            vals = p["example"] if isinstance(p["example"], list) else [p["example"]]
            q += [(p["name"], str(v)) for v in vals]
    return path + ("?" + urllib.parse.urlencode(q) if q else "")


calls = []      # (path template, target)
for path, item in spec["paths"].items():
    op = item["get"]
    calls.append((path, example_target(path, op)))
    # Each optional parameter alone too: full=1 and format=opensearch
    # change the shape, their absence must be seen as well.
    for p in op.get("parameters", []):
        if p["in"] == "query" and "example" in p:
            calls.append((path, example_target(path, {"parameters": [
                x for x in op["parameters"] if x is not p]})))
DOC = "legal/loi-2005-oudin-santini"
calls += [
    ("/api/search", "/api/search?q=eau&limit=3"),
    ("/api/search", "/api/search?q=" + urllib.parse.quote("coopération décentralisée") + "&type=fiche&type=note&annee=2005"),
    ("/api/search", "/api/search?q=cooperasion&limit=2"),               # corrected
    ("/api/search", "/api/search?q=jumelage%20Senegl&limit=2"),         # suggestion
    ("/api/search", "/api/search?q=eau&type=bogus&theme=nope&limitt=2"),  # notices
    ("/api/search", "/api/search?q=%22unterminated&limit=2"),
    ("/api/search", "/api/search?q=NEAR(&limit=2"),
    ("/api/search", "/api/search?q=%22coop%C3%A9ration&limit=2"),
    ("/api/search", "/api/search?q=NEAR(eau&limit=2"),
    ("/api/search", "/api/search?q=eau&q=feu&limit=2&limit=3"),
    ("/api/search", "/api/search?q=" + urllib.parse.quote("énergie déchets") + "&limit=10"),
    ("/api/suggest", "/api/suggest?q=cooperasi"),                       # corrected
    ("/api/suggest", "/api/suggest?q=coop"),
    ("/api/changes", "/api/changes?since=5&limit=2"),
    ("/api/changes", "/api/changes?since=5&limit=2&full=0"),
    ("/api/search", "/api/search?q=cooperasion&exact=0&limit=1"),
]
answers = []    # (path template, target, body)
for path, target in calls:
    status, hdrs, body = get(target)
    op = spec["paths"][path]["get"]
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    pointer = "#/paths/%s/get/responses/200/content/application~1json/schema" % path.replace("~", "~0").replace("/", "~1")
    try:
        j = json.loads(body)
    except ValueError as e:
        ok(False, "%s is JSON" % target, e)
        continue
    errs = sorted(validator(pointer).iter_errors(j), key=lambda e: list(e.path))
    ok(status == 200 and hdrs.get("content-type", "").startswith("application/json")
       and not errs, "GET %s: 200, JSON, as documented" % target,
       "status %d\n" % status + "\n".join("%s: %s" % (list(e.path), e.message[:200]) for e in errs[:5]))
    walk(pointer, j)
    answers.append((path, target, pointer, j))

# A field added in C and not documented must fail: the schemas are closed.
bad = []
for path, target, pointer, j in answers:
    if isinstance(j, dict) and path != "/api/openapi.json":
        k = copy.deepcopy(j)
        k["undocumented"] = 1
        if validator(pointer).is_valid(k):
            bad.append(target)
        if j.get("hits"):
            k = copy.deepcopy(j)
            k["hits"][0]["undocumented"] = 1
            if validator(pointer).is_valid(k):
                bad.append(target + " (hit)")
ok(not bad, "a property added to an answer or a hit would fail the test", bad)

# --- snippets as text and code point offsets ---------------------------------
checked = nonascii = 0
wrong = []
for path, target, pointer, j in answers:
    for h in (j.get("hits") or []) if isinstance(j, dict) else []:
        marks = [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", h["snippet"])]
        got = [h["snippet_text"][s:s + l] for s, l in h["snippet_matches"]]
        plain = html.unescape(re.sub(r"</?mark>", "", h["snippet"]))
        if marks != got or plain != h["snippet_text"]:
            wrong.append((target, h["id"], marks, got))
        for s, l in h["snippet_matches"]:
            checked += 1
            # Accented text before a match: bytes and code points differ.
            if len(h["snippet_text"][:s].encode()) != s:
                nonascii += 1
ok(not wrong and checked > 0, "snippet_matches select the <mark>ed words of snippet_text (%d matches)" % checked,
   "\n".join(map(str, wrong[:5])))
ok(nonascii > 0, "... counted in code points, after accented text too (%d)" % nonascii)

# --- notices instead of silence ---------------------------------------------
def answer(target):
    for path, t, pointer, j in answers:
        if t == target:
            return j
    return {}


def notices(target):
    return " ".join(answer(target).get("notices", []))


ok("limitt" in notices("/api/search?q=eau&type=bogus&theme=nope&limitt=2"),
   "an unknown parameter gets a notice", notices("/api/search?q=eau&type=bogus&theme=nope&limitt=2"))
ok("bogus" in notices("/api/search?q=eau&type=bogus&theme=nope&limitt=2") and
   "nope" in notices("/api/search?q=eau&type=bogus&theme=nope&limitt=2"),
   "a filter value no document has gets a notice")
ok("répété" in notices("/api/search?q=eau&q=feu&limit=2&limit=3") and
   answer("/api/search?q=eau&q=feu&limit=2&limit=3").get("limit") == 2,
   "a parameter given twice: the first is read, with a notice",
   answer("/api/search?q=eau&q=feu&limit=2&limit=3").get("notices"))
ok(answer("/api/search?q=%22coop%C3%A9ration&limit=2").get("total", 0) > 0 and
   answer("/api/search?q=NEAR(eau&limit=2").get("total", 0) > 0,
   "an unterminated quote or NEAR( is read as the words typed")
ok(answer("/api/search?q=cooperasion&limit=2").get("corrected") == "coopération",
   "a misspelt word is searched corrected")

# --- errors: our JSON shape, a documented code, a status listed -----------------
codes = set(spec["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"])
L = b"a" * 10000
errors = [
    ("/api/search", b"GET /api/search?q=" + L + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
    ("/api/search", b"GET /api/search?q=" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
    ("/api/search", b"GET /api/search?q=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
    ("/api/search", b"GET /api/search?q=" + b"a" * 3000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
    ("/api/search", b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nX-Long: " + L + b"\r\n\r\n", 431, "header_too_large"),
    ("/api/search", b"POST /api/search?q=x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405, "method_not_allowed"),
    ("/api/doc/{id}", b"PUT /api/doc/x HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"),
    ("/api/changes", b"DELETE /api/changes HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"),
    ("/api/search", b"BREW /api/search HTTP/1.1\r\nHost: x\r\n\r\n", 501, "not_implemented"),
    ("/api/search", b"GET /api/search?q=a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_uri"),
    ("/api/search", b"GET /api/search?q=a%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_uri"),
    ("/api/suggest", b"GET /api/suggest?q=%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_query"),
    ("/api/search", b"GET /api/search?q=a\x01b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request_line"),
    ("/api/search", b"GET /api/search?q=x HTTP/1.1\r\n\r\n", 400, "missing_host"),
    ("/api/search", b"GET /api/search?q=x HTTP/2.0\r\nHost: x\r\n\r\n", 400, "version_not_supported"),
    ("/api/search", b"GET /api/search?page=abc HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
    ("/api/search", b"GET /api/search?page=0 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
    ("/api/search", b"GET /api/search?limit=101 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
    ("/api/search", b"GET /api/search?limit=99999999999999999999 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
    ("/api/changes", b"GET /api/changes?since=-1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
    ("/api/changes", b"GET /api/changes?limit=1001 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
    ("/api/suggest", b"GET /api/suggest?q=" + b"a" * 201 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
    ("/api/suggest", b"GET /api/suggest?q=a&format=xml HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
    ("/api/search", b"GET /api/search?q=a&exact=yes HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
    ("/api/changes", b"GET /api/changes?full=true HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
    ("/api/changes", b"GET /api/changes?sinse=3 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
    ("/api/doc/{id}", b"GET /api/doc/nope/nope HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"),
    ("/api/doc/{id}", b"GET /api/doc/ HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"),
    ("/api/similar/{id}", b"GET /api/similar/nope HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"),
    (None, b"GET /api/nope HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"),
    (None, b"GET /api HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"),
    (None, b"GET /api?q=x HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"),
    (None, b"POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405, "method_not_allowed"),
    (None, b"GET /api?q=" + L + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
]
for path, raw, want, code in errors:
    status, hdrs, body = request(raw)
    try:
        j = json.loads(body)
        verrs = list(validator("#/components/schemas/Error").iter_errors(j))
        walk("#/components/schemas/Error", j)
    except ValueError as e:
        j, verrs = None, [e]
    listed = path is None or str(status) in spec["paths"][path]["get"]["responses"]
    ok(status == want and not verrs and j["error"]["code"] == code and code in codes and listed
       and hdrs.get("content-type", "").startswith("application/json"),
       "%s...: %d %s, the documented error shape" % (raw[:40].decode("latin-1").split(" HTTP")[0], want, code),
       "status %d %s\n%s\n%s" % (status, "(not listed)" if not listed else "", body[:300], verrs[:2]))

# Without an index, every route that reads it says so, as documented.
if NOINDEX_PORT is not None:
    for path, item in spec["paths"].items():
        if path == "/api/openapi.json":
            continue
        target = example_target(path, item["get"]).encode()
        status, hdrs, body = request(b"GET " + target + b" HTTP/1.1\r\n"
                                     b"Host: x\r\nConnection: close\r\n\r\n", NOINDEX_PORT)
        try:
            j = json.loads(body)
            verrs = list(validator("#/components/schemas/Error").iter_errors(j))
        except ValueError as e:
            j, verrs = {}, [e]
        ok(status == 503 and not verrs and j["error"]["code"] == "no_index" and
           "503" in item["get"]["responses"],
           "no index: %s is a documented 503 no_index" % path, (status, body[:200]))

if LOG is not None:
    log = open(LOG, encoding="utf-8", errors="replace").read()
    ok("refused a request head: 414 uri_too_long" in log and
       "refused a request head: 431 header_too_large" in log,
       "the errors the gate answers are logged, in English")

missing = sorted(documented - seen)
ok(not missing, "every documented property appears in a real answer",
   "never seen:\n" + "\n".join(missing))

print("1..%d" % n)
sys.exit(1 if failed else 0)
