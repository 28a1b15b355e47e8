#!/usr/bin/env python3
"""Helpers of scripts/drill (standard library only): sign in, and the F1, E1 and C2 drills.

Each prints `key value` lines and exits non-zero when its pass condition fails.
"""
import concurrent.futures
import http.cookiejar
import json
import os
import random
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

BASE = os.environ.get("BASE", "http://127.0.0.1:18090")
DB = os.environ["DB"]
PASSWORD = "shouhu-demo-2026"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    def __init__(self, login):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        page = self.get("/login")[1]
        status, _ = self.post("/login", {"login": login, "password": PASSWORD, "csrf": csrf_of(page)})
        assert status == 303, f"login of {login}: {status}"
        self.csrf = csrf_of(self.get("/")[1])

    def request(self, method, path, body=None, headers=None):
        req = urllib.request.Request(BASE + path, data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, raw=None, content_type="application/x-www-form-urlencoded"):
        body = raw if raw is not None else urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body, {"content-type": content_type})


def csrf_of(html):
    m = re.search(r'name="csrf" value="([^"]*)"', html)
    return m.group(1) if m else ""


def psql(sql):
    return subprocess.run(["psql", DB, "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip()


def result(ok, name):
    print(f"pass {'yes' if ok else 'no'}")
    if not ok:
        print(f"{name} FAILED", file=sys.stderr)
        sys.exit(1)


# ---- F1: malformed posts ------------------------------------------------------------------

SCRIPT = '<script>alert("x")</script>'
# Refused by every form: each of these must get a 4xx and write nothing.
MALFORMED = ["x" * 20000, "a\u0000b", SCRIPT + "\u0000", "'; DROP TABLE child; --\u0000"]
# Typed junk, scripts and SQL: wrong for typed fields, but plain text is plain text (a comment
# may say "<script>"). These must never give a 5xx or come back unescaped.
JUNK = ["abc", "-1", "-100.50", "1e309", "NaN", "9" * 40, "", "2026-02-30", "2026-13-01",
        "00000000-0000-0000-0000-000000000000", SCRIPT, "'; DROP TABLE child; --", "' OR '1'='1", "{{7*7}}"]
FIELDS = [
    "name", "title", "notes", "needs", "reason", "amount", "amount_yuan", "kind", "status", "date", "given_on",
    "visited_on", "starts_at", "ends_at", "birth_date", "gender", "id_number", "phone", "capacity", "caseload_cap",
    "report_deadline_days", "retention_years", "child_id", "volunteer_id", "community_id", "version", "login",
    "display_name", "role", "scope", "relation", "description", "due_on", "body", "comment", "action", "code",
    "duration_minutes", "study", "work_done", "problems", "next_steps", "lang", "password", "new_password", "address",
    "summary", "access", "given_by", "method", "notice_version", "to_community_id",
]
# Routes that take no input (the action is the whole request): only CSRF, encoding and size
# can be wrong with them.
ACTIONS = re.compile(r"/(cancel|verify|disable|enable|reset-password|revoke|accept|attendance|end|close|transition|confirm)$")
COUNTED = ["child", "guardian", "consent", "visit", "visit_comment", "follow_up", "pairing", "volunteer", "activity",
           "attendance", "aid", "report", "report_transition", "app_user", "community", "grid", "team", "api_token",
           "import_batch", "duty_credit", "recovery_code", "child_status_change", "activity_photo"]


def answers(send, jobs):
    """Runs send(route, i) for each (route, i) on eight threads; yields (route, status, body)
    as the answers come."""
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = {pool.submit(send, route, i): route for route, i in jobs}
        for future in concurrent.futures.as_completed(futures):
            status, body = future.result()
            yield futures[future], status, body


def row_counts():
    return psql("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in COUNTED))


def f1(routes_file, per_form):
    admin = Session("admin@large.shouhu.cn")
    routes = [r.strip() for r in open(routes_file) if r.strip()]
    rng = random.Random(7)
    counts = {"requests": 0, "refused_4xx": 0, "5xx": 0, "malformed_accepted": 0, "unescaped": 0,
              "junk_accepted_as_text": 0}
    offenders = []

    def malformed(route, i):
        kind = i % 6
        if kind == 0:
            fields = {f: rng.choice(JUNK) for f in rng.sample(FIELDS, 8)}  # no CSRF token
            return admin.post(route, fields)
        if kind == 1:
            return admin.post(route, None, raw=b"name=\xff\xfe\xc3\x28&csrf=" + admin.csrf.encode())
        if kind == 2 and i < 12:
            try:
                return admin.post(route, None, raw=b"a=" + b"x" * (10 * 1024 * 1024))
            except urllib.error.URLError:
                return 413, ""  # refused before the body was read: the client saw the close
        if ACTIONS.search(route):
            return admin.post(route, {"csrf": admin.csrf, "x": "a\u0000b"})
        fields = {f: rng.choice(MALFORMED) for f in FIELDS}
        fields["csrf"] = admin.csrf
        return admin.post(route, fields)

    def junk(route, i):
        fields = {f: rng.choice(JUNK) for f in FIELDS}
        fields["csrf"] = admin.csrf
        return admin.post(route, fields)

    # Phase 1: malformed requests. Nothing may be written.
    before = row_counts()
    for route, status, body in answers(malformed, [(r, i) for r in routes for i in range(per_form)]):
        counts["requests"] += 1
        if status >= 500:
            counts["5xx"] += 1
            offenders.append(f"{route} {status}")
        elif status >= 400:
            counts["refused_4xx"] += 1
        else:
            counts["malformed_accepted"] += 1
            offenders.append(f"{route} accepted a malformed post ({status})")
        if SCRIPT in body:
            counts["unescaped"] += 1
            offenders.append(f"{route} shows the script unescaped")
    after = row_counts()
    # Phase 2: typed junk, scripts and SQL into every form that takes input (a tenth as many).
    typed = [(r, i) for r in routes if not ACTIONS.search(r) for i in range(max(per_form // 10, 1))]
    for route, status, body in answers(junk, typed):
        counts["requests"] += 1
        if status >= 500:
            counts["5xx"] += 1
            offenders.append(f"{route} {status} (junk)")
        elif status < 400:
            counts["junk_accepted_as_text"] += 1
        if SCRIPT in body:
            counts["unescaped"] += 1
            offenders.append(f"{route} shows the script unescaped")
    for k, v in counts.items():
        print(f"{k} {v}")
    print(f"rows_unchanged_by_malformed {'yes' if before == after else 'no'}")
    for o in sorted(set(offenders))[:20]:
        print(f"offender {o}")
    result(counts["5xx"] == 0 and counts["malformed_accepted"] == 0 and counts["unescaped"] == 0 and before == after, "F1")


# ---- E1: one version saved a hundred times at once -----------------------------------------

def e1(child):
    staff = Session("staff01@large.shouhu.cn")
    form_html = staff.get(f"/children/{child}/edit")[1]
    fields = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', form_html))
    for m in re.finditer(r'<select[^>]*name="([a-z_]+)"[^>]*>(.*?)</select>', form_html, re.S):
        sel = re.search(r'<option value="([^"]*)"[^>]*selected', m.group(2))
        fields[m.group(1)] = sel.group(1) if sel else ""
    version = fields["version"]
    sessions = [Session("staff01@large.shouhu.cn") for _ in range(4)]

    def save(i):
        s = sessions[i % len(sessions)]
        f = dict(fields, csrf=s.csrf, address=f"E1 地址 {i}")
        return s.post(f"/children/{child}", f)

    with concurrent.futures.ThreadPoolExecutor(100) as pool:
        replies = list(pool.map(save, range(100)))
    ok = sum(1 for s, _ in replies if s == 303)
    conflict = sum(1 for s, b in replies if s == 409)
    other = [s for s, _ in replies if s not in (303, 409)]
    now = psql(f"SELECT version FROM child WHERE id = '{child}'")
    print(f"saved {ok}")
    print(f"conflict_pages {conflict}")
    print(f"other {other[:10]}")
    print(f"version {version} -> {now}")
    result(ok == 1 and conflict == 99 and int(now) == int(version) + 1, "E1")


# ---- C2: multi-table writes while the connections are killed --------------------------------

KILL = ("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE application_name = 'shouhu' AND pid <> pg_backend_pid()")


def c2(child, tag):
    # Signed in (and holding a CSRF token) before the killing starts: a sign-in whose page
    # lost its connection would leave no token, and every write would be refused unheard.
    v = Session("v001@large.shouhu.cn")
    stop = threading.Event()
    kills = []

    def killer():
        while not stop.is_set():
            kills.append(int(psql(KILL)))
            stop.wait(0.05)

    killing = threading.Thread(target=killer)
    killing.start()

    def write(i):
        body = json.dumps({"id": str(uuid.uuid4()), "child_id": child, "kind": "home_visit",
                           "visited_on": psql("SELECT current_date"), "notes": f"{tag}-{i}",
                           "follow_up": f"{tag}-跟进-{i}", "follow_up_due": "2027-01-31"}).encode()
        return v.request("POST", "/api/v1/visits", body,
                         {"content-type": "application/json", "x-csrf-token": v.csrf})

    try:
        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            replies = list(pool.map(write, range(100)))
    finally:
        stop.set()
        killing.join()
    created = sum(1 for s, _ in replies if s == 201)
    visits = int(psql(f"SELECT count(*) FROM visit WHERE notes LIKE '{tag}-%'"))
    follow_ups = int(psql(f"SELECT count(*) FROM follow_up WHERE description LIKE '{tag}-跟进-%'"))
    audited = int(psql(f"SELECT count(*) FROM audit_event a JOIN visit v ON v.street_id = a.street_id AND a.detail->>'visit' = v.id::text WHERE v.notes LIKE '{tag}-%' AND a.action = 'visit_logged'"))
    half = int(psql(f"SELECT count(*) FROM visit v WHERE v.notes LIKE '{tag}-%' AND NOT EXISTS (SELECT 1 FROM follow_up f WHERE f.street_id = v.street_id AND f.visit_id = v.id)"))
    print(f"answers_201 {created}")
    print(f"failed_answers {100 - created}")
    print(f"visits {visits}")
    print(f"follow_ups {follow_ups}")
    print(f"audited {audited}")
    print(f"visits_without_follow_up {half}")
    print(f"connections_killed {sum(kills)}")
    # A commit whose answer was lost with its connection is still whole (the phone sends again,
    # and the id makes it one visit): written >= answered, and nothing half-written.
    # Some writes must get through, and some connections must die, or the drill proved nothing.
    result(visits == follow_ups == audited and visits >= created and half == 0
           and created > 0 and sum(kills) > 0, "C2")


# ---- U1: a hostile uploader ----------------------------------------------------------------

def png_of(width, height):
    """A PNG of width x height black RGBA pixels: a few hundred KB that decode to width*height*4
    bytes."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (1 + width * 4)
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def sparse_xlsx():
    """The issue's 1.4 KB workbook: a cell in A1 and one in XFD1048576."""
    import io
    import zipfile
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row></sheetData></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def multipart(field, filename, data):
    boundary = "----shouhu-drill-u1"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return f"multipart/form-data; boundary={boundary}", head + data + f"\r\n--{boundary}--\r\n".encode()


def rss_mb(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def u1(pid, seconds, attacker, activity, reader_login):
    """50 uploads that trickle their bodies, 5 sparse-sheet bombs, 5 image bombs and 5 photos of
    40 megapixels from one street's staff, while another street's admin reads pages."""
    import socket
    import time
    victim = Session(reader_login)
    hostile = Session(attacker)
    cookie = "; ".join(f"{c.name}={c.value}" for c in hostile.jar)
    host = BASE.split("//", 1)[1]
    stop = threading.Event()
    latencies, errors = [], []

    def read_pages():
        while not stop.is_set():
            for path in ("/", "/children"):
                started = time.monotonic()
                try:
                    status, _ = victim.get(path)
                except Exception as e:  # a refused or dropped connection is an error too
                    status = str(e)
                latencies.append((time.monotonic() - started) * 1000)
                if status != 200:
                    errors.append(status)

    def trickle(i):
        # A 5 MB body announced, its head sent, then one byte every 2 s until the server gives up.
        content_type, _ = multipart("file", "roster.xlsx", b"")
        address, port = host.rsplit(":", 1)
        s = socket.create_connection((address, int(port)))
        s.sendall((f"POST /children/import?csrf={hostile.csrf} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
                   f"Content-Type: {content_type}\r\nContent-Length: {5 * 1024 * 1024}\r\n\r\n"
                   f"------shouhu-drill-u1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.xlsx\"\r\n\r\nPK").encode())
        s.settimeout(2)
        answer = b""
        while not stop.is_set():
            try:
                s.sendall(b"x")
                answer += s.recv(4096)
                if answer:
                    break
            except socket.timeout:
                continue
            except OSError:
                break
        s.close()
        return answer.split(b"\r\n", 1)[0].decode(errors="replace")

    def post_file(path, field, name, data):
        content_type, body = multipart(field, name, data)
        return hostile.request("POST", f"{path}?csrf={hostile.csrf}", body, {"content-type": content_type})[0]

    rss_before = rss_mb(pid, "VmRSS")
    readers = [threading.Thread(target=read_pages) for _ in range(2)]
    for t in readers:
        t.start()
    with concurrent.futures.ThreadPoolExecutor(70) as pool:
        slow = [pool.submit(trickle, i) for i in range(50)]
        time.sleep(3)
        bomb, image_bomb, big = sparse_xlsx(), png_of(12000, 12000), png_of(6000, 6600)
        bombs = [pool.submit(post_file, "/children/import", "file", "bomb.xlsx", bomb) for _ in range(5)]
        images = [pool.submit(post_file, f"/activities/{activity}/photos", "photo", "bomb.png", image_bomb)
                  for _ in range(5)]
        photos = [pool.submit(post_file, f"/activities/{activity}/photos", "photo", "big.png", big) for _ in range(5)]
        bomb_answers = [f.result() for f in bombs]
        image_answers = [f.result() for f in images]
        photo_answers = [f.result() for f in photos]
        time.sleep(max(0, seconds - 3))
        stop.set()
        slow_answers = [f.result() for f in slow]
    for t in readers:
        t.join()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0
    peak = rss_mb(pid, "VmHWM")
    alive = os.path.exists(f"/proc/{pid}")
    print(f"bomb_sizes_bytes {len(bomb)} {len(image_bomb)} {len(big)}")
    print(f"slow_uploads 50 answered_while_running {sum(1 for a in slow_answers if a)}")
    print(f"sheet_bomb_answers {' '.join(map(str, bomb_answers))}")
    print(f"image_bomb_answers {' '.join(map(str, image_answers))}")
    print(f"photo_40mp_answers {' '.join(map(str, photo_answers))}")
    print(f"other_street_requests {len(latencies)}")
    print(f"other_street_errors {len(errors)}")
    print(f"other_street_p99_ms {p99:.1f}")
    print(f"rss_before_mb {rss_before:.1f}")
    print(f"rss_peak_mb {peak:.1f}")
    print(f"app_alive {'yes' if alive else 'no'}")
    result(alive and not errors and len(latencies) > 0 and peak < 300
           and all(a == 422 for a in bomb_answers + image_answers), "U1")


if __name__ == "__main__":
    name = sys.argv[1]
    if name == "F1":
        f1(sys.argv[2], int(sys.argv[3]))
    elif name == "E1":
        e1(sys.argv[2])
    elif name == "C2":
        c2(sys.argv[2], sys.argv[3])
    elif name == "U1":
        u1(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6])
