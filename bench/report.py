"""Turns the rows of one bench run into the Markdown table with ratios to the nginx proxy."""
import sys

rows_path, rss_kb, heap, duration, threads, connections = sys.argv[1:7]
rows = {}
for line in open(rows_path):
    name, rps, p50, p99, non2xx, errors, total = line.strip().split("|")
    rows[name] = dict(rps=float(rps), p50=float(p50), p99=float(p99), non2xx=int(non2xx), errors=int(errors),
                      total=int(total))

print(f"wrk: {threads} threads, {connections} connections, {duration} per measurement after a warm-up; "
      f"1 KiB response body; everything on this machine")
print()
print("| target | req/s | p50 ms | p99 ms | non-2xx | socket errors | requests |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, r in rows.items():
    print(f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non2xx']} | {r['errors']} | {r['total']} |")
print()
proxy, api = rows.get("nginx-proxy"), rows.get("caravan-api")
if proxy and api and proxy["rps"] > 0:
    print(f"- Caravan API call / nginx proxy, throughput: **{api['rps'] / proxy['rps']:.2f}** (target >= 0.50)")
    print(f"- Caravan API call / nginx proxy, p99 latency: **{api['p99'] / proxy['p99']:.2f}** (target <= 3.0)")
for name, target in (("token-client-credentials", 1500), ("token-refresh", 1000)):
    if name in rows:
        print(f"- {name}: {rows[name]['rps']:.0f}/s (target >= {target}/s)")
if "token-password" in rows:
    print(f"- token-password: {rows['token-password']['rps']:.0f}/s (Argon2id m=19 MiB t=2 p=1 per login)")
print(f"- Caravan heap cap {heap}; resident memory after the API run: {int(rss_kb) // 1024} MiB")
