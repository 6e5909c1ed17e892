"""Turns the rows of one bench run into the Markdown table with ratios to the nginx proxy.

Rows named NAME.ROUND are rounds of the same target (the nginx proxy and Caravan alternate);
the table shows their mean, and the ratios are given per round and as the mean of the rounds.
"""
import os
import statistics
import sys

rows_path, rss_kb, heap, duration, threads, connections, rounds = sys.argv[1:8]
TICKS = os.sysconf("SC_CLK_TCK")
runs = {}
for line in open(rows_path):
    name, rps, p50, p99, non2xx, errors, total, ticks = line.strip().split("|")
    base, _, rnd = name.partition(".")
    runs.setdefault(base, []).append(dict(round=rnd, rps=float(rps), p50=float(p50), p99=float(p99),
                                          non2xx=int(non2xx), errors=int(errors), total=int(total),
                                          ticks=int(ticks or 0)))

print(f"wrk: {threads} threads, {connections} connections, {duration} per measurement after a warm-up; "
      f"1 KiB response body; everything on this machine; nginx proxy and Caravan alternate over {rounds} rounds")
print()
print("| target | req/s | p50 ms | p99 ms | non-2xx | socket errors | requests |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, rs in runs.items():
    mean = lambda key: statistics.fmean(r[key] for r in rs)
    total = lambda key: sum(r[key] for r in rs)
    label = name if len(rs) == 1 else f"{name} (mean of {len(rs)})"
    print(f"| {label} | {mean('rps'):.0f} | {mean('p50'):.2f} | {mean('p99'):.2f} | {total('non2xx')} "
          f"| {total('errors')} | {total('total')} |")
print()


def cpu_us(rs):
    requests = sum(r["total"] for r in rs)
    return 1e6 * sum(r["ticks"] for r in rs) / TICKS / requests if requests else float("nan")


proxy, api = runs.get("nginx-proxy"), runs.get("caravan-api")
if proxy and api:
    pairs = list(zip(proxy, api))
    throughput = [a["rps"] / p["rps"] for p, a in pairs if p["rps"] > 0]
    latency = [a["p99"] / p["p99"] for p, a in pairs if p["p99"] > 0]
    per_round = ", ".join(f"{t:.2f}" for t in throughput)
    print(f"- Caravan API call / nginx proxy, throughput: **{statistics.fmean(throughput):.2f}** "
          f"(rounds: {per_round}; target >= 0.50)")
    per_round = ", ".join(f"{t:.2f}" for t in latency)
    print(f"- Caravan API call / nginx proxy, p99 latency: **{statistics.fmean(latency):.2f}** "
          f"(rounds: {per_round}; target <= 3.0)")

    if all(r["ticks"] for r in proxy + api):
        print(f"- CPU time per request (user + system, whole process): nginx proxy {cpu_us(proxy):.1f} us, "
              f"Caravan {cpu_us(api):.1f} us (ratio {cpu_us(api) / cpu_us(proxy):.2f})")
base = runs.get("caravan-baseline")
if api and base:
    # another build of Caravan measured in the same rounds (BASELINE_JAR)
    pairs = list(zip(base, api))
    throughput = [a["rps"] / b["rps"] for b, a in pairs if b["rps"] > 0]
    print(f"- this build / baseline build, throughput: **{statistics.fmean(throughput):.3f}** "
          f"(rounds: {', '.join(f'{t:.2f}' for t in throughput)})")
    if all(r["ticks"] for r in base + api):
        cpu = [cpu_us([a]) / cpu_us([b]) for b, a in pairs]
        print(f"- this build / baseline build, CPU time per request: **{statistics.fmean(cpu):.3f}** "
              f"(rounds: {', '.join(f'{c:.2f}' for c in cpu)}; {cpu_us(api):.1f} us against {cpu_us(base):.1f} us)")
for name, target in (("token-client-credentials", 1500), ("token-refresh", 1000)):
    if name in runs:
        print(f"- {name}: {runs[name][0]['rps']:.0f}/s (target >= {target}/s)")
if "token-password" in runs:
    print(f"- token-password: {runs['token-password'][0]['rps']:.0f}/s "
          f"(Argon2id m=19 MiB t=2 p=1 per login, at most one per core at a time)")
print(f"- Caravan heap cap {heap}; resident memory after the API runs: {int(rss_kb) // 1024} MiB")
