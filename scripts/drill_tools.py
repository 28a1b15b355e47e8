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
PAYLOADS = [
    "abc", "-1", "-100.50", "1e309", "NaN", "9" * 40, "", " ", "\u0000", "a\u0000b", "x" * 20000,
    SCRIPT, "'; DROP TABLE child; --", "' OR '1'='1", "{{7*7}}", "../../etc/passwd", "\ud7ff\ue000",
    "2026-02-30", "2026-13-01", "13800000000000", "00000000-0000-0000-0000-000000000000", "true", "[]",
]
FIELDS = [
    "name", "title", "notes", "needs", "reason", "amount", "amount_yuan", "kind", "status", "date", "given_on",
    "visited_on", "starts_at", "ends_at", "birth_date", "gender", "id_number", "phone", "capacity", "caseload_cap",
    "report_deadline_days", "retention_years", "child_id", "volunteer_id", "community_id", "version", "login",
    "display_name", "role", "scope", "relation", "description", "due_on", "body", "comment", "action", "code",
    "duration_minutes", "study", "work_done", "problems", "next_steps", "lang", "password", "new_password",
]
COUNTED = ["child", "guardian", "consent", "visit", "visit_comment", "follow_up", "pairing", "volunteer", "activity",
           "attendance", "aid", "report", "report_transition", "app_user", "community", "grid", "team", "api_token",
           "import_batch", "duty_credit", "recovery_code", "child_status_change", "activity_photo"]


def row_counts():
    return psql("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in COUNTED))


def f1(routes_file, per_form):
    admin = Session("admin@large.shouhu.cn")
    routes = [r.strip() for r in open(routes_file) if r.strip()]
    before = row_counts()
    rng = random.Random(7)
    counts = {"requests": 0, "5xx": 0, "2xx_3xx": 0, "unescaped": 0}
    offenders = []

    def one(route, i):
        kind = i % 10
        fields = {f: rng.choice(PAYLOADS) for f in rng.sample(FIELDS, 8)}
        fields["csrf"] = admin.csrf
        if kind == 0:
            del fields["csrf"]  # missing CSRF
            status, body = admin.post(route, fields)
        elif kind == 1:
            status, body = admin.post(route, None, raw=b"\xff\xfe\x00bad=\xc3\x28&csrf=" + admin.csrf.encode())
        elif kind == 2 and i < 20:
            # 10 MB: the server answers 413 and closes without reading it all, which the client
            # may see as a broken pipe before it can read the answer.
            try:
                status, body = admin.post(route, None, raw=b"a=" + b"x" * (10 * 1024 * 1024))
            except urllib.error.URLError:
                status, body = 413, ""
        elif kind == 3:
            status, body = admin.post(route, None, raw=json.dumps(fields).encode(), content_type="application/json")
        else:
            status, body = admin.post(route, fields)
        return route, status, body

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        jobs = [pool.submit(one, r, i) for r in routes for i in range(per_form)]
        for job in concurrent.futures.as_completed(jobs):
            route, status, body = job.result()
            counts["requests"] += 1
            if status >= 500:
                counts["5xx"] += 1
                offenders.append(f"{route} {status}")
            elif status < 400:
                counts["2xx_3xx"] += 1
                offenders.append(f"{route} {status}")
            if SCRIPT in body:
                counts["unescaped"] += 1
                offenders.append(f"{route} shows the script unescaped")
    after = row_counts()
    for k, v in counts.items():
        print(f"{k} {v}")
    print(f"rows_unchanged {'yes' if before == after else 'no'}")
    for o in sorted(set(offenders))[:20]:
        print(f"offender {o}")
    result(counts["5xx"] == 0 and counts["2xx_3xx"] == 0 and counts["unescaped"] == 0 and before == after, "F1")


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
        answers = list(pool.map(save, range(100)))
    ok = sum(1 for s, _ in answers if s == 303)
    conflict = sum(1 for s, b in answers if s == 409)
    other = [s for s, _ in answers if s not in (303, 409)]
    now = psql(f"SELECT version FROM child WHERE id = '{child}'")
    print(f"saved {ok}")
    print(f"conflict_pages {conflict}")
    print(f"other {other[:10]}")
    print(f"version {version} -> {now}")
    result(ok == 1 and conflict == 99 and int(now) == int(version) + 1, "E1")


# ---- C2: multi-table writes while the connections are killed --------------------------------

def c2(child, tag):
    v = Session("v001@large.shouhu.cn")

    def write(i):
        body = json.dumps({"id": str(uuid.uuid4()), "child_id": child, "kind": "home_visit",
                           "visited_on": psql("SELECT current_date"), "notes": f"{tag}-{i}",
                           "follow_up": f"{tag}-跟进-{i}", "follow_up_due": "2027-01-31"}).encode()
        return v.request("POST", "/api/v1/visits", body,
                         {"content-type": "application/json", "x-csrf-token": v.csrf})

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(write, range(100)))
    created = sum(1 for s, _ in answers if s == 201)
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
    # A commit whose answer was lost with its connection is still whole (the phone sends again,
    # and the id makes it one visit): written >= answered, and nothing half-written.
    result(visits == follow_ups == audited and visits >= created and half == 0, "C2")


if __name__ == "__main__":
    name = sys.argv[1]
    if name == "F1":
        f1(sys.argv[2], int(sys.argv[3]))
    elif name == "E1":
        e1(sys.argv[2])
    elif name == "C2":
        c2(sys.argv[2], sys.argv[3])
