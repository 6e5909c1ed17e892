"""Timing distributions of password grants by outcome, one request at a time.

  python3 bench/login_timing.py URL BASIC SAMPLES OUT CLASS=FILE [CLASS=FILE ...]

Each FILE holds form bodies, one per line (a different user or name each, so no per-name state
repeats). The classes take turns request by request (round robin), so whatever else the machine
does hits every class alike. Each request is timed on one keep-alive connection, from sending
to the last byte of the answer. Writes OUT (one row per class: name|status counts|distinct
bodies|median|p90|p99|mean, milliseconds) and prints a Markdown table.
"""
import http.client
import statistics
import sys
import time
import urllib.parse

url, basic, samples, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
classes = []
for spec in sys.argv[5:]:
    name, _, path = spec.partition("=")
    bodies = [line.rstrip("\n") for line in open(path) if line.strip()]
    classes.append((name, bodies))

target = urllib.parse.urlsplit(url)
headers = {"Authorization": basic, "Content-Type": "application/x-www-form-urlencoded"}
connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
results = {name: [] for name, _ in classes}


def post(body):
    global connection
    for attempt in (1, 2):
        try:
            start = time.perf_counter()
            connection.request("POST", target.path, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read()
            return answer.status, content, (time.perf_counter() - start) * 1000
        except (http.client.HTTPException, OSError):
            connection.close()
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
            if attempt == 2:
                raise


for i in range(samples):
    for name, bodies in classes:
        results[name].append(post(bodies[i % len(bodies)]))


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


print(f"{samples} requests per class, the classes taking turns, one at a time on one keep-alive connection")
print()
print("| outcome | statuses | distinct bodies | median ms | p90 ms | p99 ms | mean ms |")
print("|---|---|---:|---:|---:|---:|---:|")
with open(out, "w") as rows:
    for name, _ in classes:
        rs = results[name]
        times = [t for _, _, t in rs]
        statuses = {}
        for status, _, _ in rs:
            statuses[status] = statuses.get(status, 0) + 1
        counts = " ".join(f"{s}×{n}" for s, n in sorted(statuses.items()))
        # a success carries its own tokens; a refusal's body must be the same for every class
        distinct = len({body for status, body, _ in rs if status != 200})
        line = (name, counts, distinct, statistics.median(times), pct(times, 0.90), pct(times, 0.99),
                statistics.fmean(times))
        rows.write("|".join(str(x) for x in line) + "\n")
        print(f"| {name} | {counts} | {distinct} | {line[3]:.1f} | {line[4]:.1f} | {line[5]:.1f} | {line[6]:.1f} |")
refusals = {body for name, _ in classes for status, body, _ in results[name] if status != 200}
print()
print(f"Refusals of all classes together: {len(refusals)} distinct bod{'y' if len(refusals) == 1 else 'ies'}"
      + (f": `{next(iter(refusals)).decode(errors='replace')}`" if len(refusals) == 1 else ""))
