#!/usr/bin/env python3
"""Pledges survive SIGKILL: a held rate of pledges over HTTP (POST /api/v1/pledges), with
receipts marked in the charity's portal, while the server is killed with SIGKILL and
restarted several times. Afterwards every pledge that was answered with a receipt code
must be there, every receipt answered "done" must be in the ledger exactly once, and the
ledger must balance (every transaction two equal entries, no fund or need below zero).

    bench/pledge_durability.py [--rate 40] [--seconds 60] [--kills 4] [--bin PATH]

Runs the release binary (scripts/build.sh builds it) on a fresh SQLite data directory
with the demo data. Each simulated donor sends from its own loopback address
(127.0.x.y), as donors do from their own addresses, so the per-address throttle is not
what is measured. Python standard library only.
"""

import argparse, http.client, json, os, random, signal, socket, sqlite3, subprocess
import sys, tempfile, threading, time, urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument("--rate", type=float, default=40.0, help="pledges per second offered")
ap.add_argument("--seconds", type=float, default=60.0)
ap.add_argument("--kills", type=int, default=4)
ap.add_argument("--workers", type=int, default=8)
ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "shanqiao"))
ap.add_argument("--site", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "site"))
args = ap.parse_args()

data = tempfile.mkdtemp(prefix="sq-durability-")
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
base = f"http://127.0.0.1:{port}"
env = dict(os.environ, SHANQIAO_DATA_DIR=data, RUST_LOG="warn")
server = None
log = open(os.path.join(data, "server.log"), "ab")


def start():
    global server
    server = subprocess.Popen(
        [args.bin, "serve", "--demo", "--bind", f"127.0.0.1:{port}", "--base-url", base, "--site-dir", args.site],
        env=env, stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.05)
    sys.exit("the server did not start; see " + log.name)


def request(method, path, body=None, headers=None, source=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0) if source else None)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    return r.status, r.getheaders(), r.read()


start()
funds = json.loads(request("GET", "/api/v1/funds")[2])["funds"]
# The demo's first fund: the demo charity admin's, with a matching offer.
fund = next(f["id"] for f in funds if f["public_code"] == "F-0001")
owner = next(f for f in funds if f["id"] == fund)["charity"]

lock = threading.Lock()
answered = {}      # receipt code -> amount_fen
received_ok = set()
attempts = failures = 0
kills = 0
up_since = time.time()
stop = threading.Event()


def sign_in():
    body = urllib.parse.urlencode({"account": "charity-admin@shanqiao.test", "password": "shanqiao-demo", "next": "/"})
    status, headers, _ = request("POST", "/signin", body,
                                 {"Content-Type": "application/x-www-form-urlencoded", "Origin": base})
    cookie = next((v.split(";")[0] for k, v in headers if k.lower() == "set-cookie"), None)
    if status != 303 or not cookie:
        raise OSError(f"sign-in answered {status}")
    return cookie


def worker(n):
    global attempts, failures
    rng = random.Random(n)
    interval = args.workers / args.rate
    next_at = time.time() + rng.random() * interval
    cookie = None
    db = None
    i = 0
    while not stop.is_set():
        now = time.time()
        if now < next_at:
            time.sleep(min(next_at - now, 0.2))
            continue
        next_at += interval
        i += 1
        source = f"127.{1 + n}.{(i // 200) % 250}.{1 + i % 200}"
        amount = 100 * rng.randint(1, 2000)
        body = json.dumps({"fund": fund, "amount_fen": amount, "anonymous": True,
                           "contact": f"d{n}-{i}@example.org", "consent": True})
        with lock:
            attempts += 1
        try:
            status, _, payload = request("POST", "/api/v1/pledges", body, {"Content-Type": "application/json"}, source)
        except OSError:
            with lock:
                failures += 1
            cookie = None
            continue
        if status != 201:
            with lock:
                failures += 1
            continue
        code = json.loads(payload)["receipt_code"]
        with lock:
            answered[code] = amount
        # Every other pledge is marked received by the charity, through its portal.
        if i % 2:
            continue
        try:
            if cookie is None:
                cookie = sign_in()
            if db is None:
                db = sqlite3.connect(f"file:{data}/shanqiao.db?mode=ro", uri=True, timeout=10)
            row = db.execute("SELECT id FROM pledges WHERE receipt_code = ?", (code,)).fetchone()
            status, _, _ = request("POST", f"/charity/pledges/{row[0]}/receive",
                                   urllib.parse.urlencode({"amount": f"{amount // 100}"}),
                                   {"Content-Type": "application/x-www-form-urlencoded", "Origin": base, "Cookie": cookie})
            if status == 303:
                with lock:
                    received_ok.add(code)
            elif status in (302, 401, 403):
                cookie = None
        except (OSError, TypeError, sqlite3.Error):
            cookie = None


threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(args.workers)]
began = time.time()
for t in threads:
    t.start()
kill_every = args.seconds / (args.kills + 1)
downtime = 0.0
for k in range(args.kills):
    time.sleep(max(0.0, began + (k + 1) * kill_every - time.time()))
    server.send_signal(signal.SIGKILL)
    server.wait()
    kills += 1
    t0 = time.time()
    start()
    downtime += time.time() - t0
time.sleep(max(0.0, began + args.seconds - time.time()))
stop.set()
for t in threads:
    t.join()
elapsed = time.time() - began
# One more hard kill at the end, then a clean start to check what is on disk.
server.send_signal(signal.SIGKILL)
server.wait()
start()

db = sqlite3.connect(f"file:{data}/shanqiao.db?mode=ro", uri=True)
stored = dict(db.execute("SELECT receipt_code, amount_fen FROM pledges"))
missing = [c for c in answered if c not in stored]
wrong = [c for c, a in answered.items() if c in stored and stored[c] != a]
status_of = dict(db.execute("SELECT receipt_code, status FROM pledges"))
not_received = [c for c in received_ok if status_of.get(c) not in ("received", "allocated")]
receipts = dict(db.execute(
    "SELECT p.receipt_code, COUNT(t.id) FROM pledges p JOIN ledger_transactions t "
    "ON t.pledge_id = p.id AND t.kind = 'pledge_received' GROUP BY p.receipt_code"))
double = [c for c, n in receipts.items() if n != 1]
unbalanced = db.execute(
    "SELECT COUNT(*) FROM (SELECT t.id FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id "
    "GROUP BY t.id HAVING COUNT(e.id) <> 2 OR SUM(CASE WHEN e.side = 'debit' THEN e.amount_fen ELSE 0 END) "
    "<> SUM(CASE WHEN e.side = 'credit' THEN e.amount_fen ELSE 0 END))").fetchone()[0]
negative = db.execute(
    "SELECT COUNT(*) FROM (SELECT account_kind, account_ref FROM ledger_entries WHERE account_kind IN ('fund', 'need') "
    "GROUP BY account_kind, account_ref HAVING SUM(CASE WHEN side = 'credit' THEN amount_fen ELSE -amount_fen END) < 0)").fetchone()[0]
received_in_fund = db.execute(
    "SELECT COALESCE(SUM(received_fen), 0) FROM pledges WHERE fund_id = ? AND received_fen IS NOT NULL AND receipt_code IN (%s)"
    % ",".join("?" * len(received_ok)), (fund, *received_ok)).fetchone()[0] if received_ok else 0
server.send_signal(signal.SIGTERM)
server.wait()

up = elapsed - downtime
ok = not missing and not wrong and not not_received and not double and unbalanced == 0 and negative == 0
print(f"fund {fund} ({owner}); {args.workers} workers offering {args.rate:.0f} pledges/s for {elapsed:.0f} s")
print(f"SIGKILLs: {kills} during the load (+1 after it); downtime {downtime:.1f} s in all (restart median {downtime / max(kills, 1):.1f} s)")
print(f"pledges offered {attempts}, answered 201 {len(answered)}, refused or unanswered {failures}")
print(f"answered rate: {len(answered) / elapsed:.1f}/s over the run, {len(answered) / max(up, 0.1):.1f}/s while up")
print(f"receipts marked in the portal and answered 303: {len(received_ok)} (¥{received_in_fund / 100:,.2f})")
print(f"after restart: answered but missing {len(missing)}, wrong amount {len(wrong)}, "
      f"received but not stored as received {len(not_received)}, receipts not exactly once {len(double)}, "
      f"unbalanced transactions {unbalanced}, accounts below zero {negative}")
print("RESULT:", "every answered pledge and receipt survived; the ledger balances" if ok else "FAILED")
sys.exit(0 if ok else 1)
