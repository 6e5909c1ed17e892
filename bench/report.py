"""Turns the rows of one bench run into the Markdown table with ratios to the nginx proxy.

Rows named NAME.ROUND are rounds of the same target (the nginx proxy and Caravan alternate);
the table shows their mean, and the ratios are given per round and as the mean of the rounds.
Rows of the login path (login-*, ws-alone-*) get a table of their own, with the files the login
path leaves in the run's directory (the optional 8th argument): slapd-rows (slapd alone),
hung-row (the hung organization's own load) and timing.md (timings by outcome).
"""
import os
import statistics
import sys

rows_path, rss_kb, heap, duration, threads, connections, rounds = sys.argv[1:8]
work = sys.argv[8] if len(sys.argv) > 8 else None
TICKS = os.sysconf("SC_CLK_TCK")
runs = {}
for line in open(rows_path):
    name, rps, p50, p99, non2xx, errors, total, ticks = line.strip().split("|")
    base, _, rnd = name.partition(".")
    runs.setdefault(base, []).append(dict(round=rnd, rps=float(rps), p50=float(p50), p99=float(p99),
                                          non2xx=int(non2xx), errors=int(errors), total=int(total),
                                          ticks=int(ticks or 0)))

print(f"wrk: {threads} threads, {connections} connections, {duration} per measurement after a warm-up; "
      f"everything on this machine"
      + (f"; 1 KiB response body; nginx proxy and Caravan alternate over {rounds} round(s)" if "nginx-proxy" in runs else ""))
print()
print("| target | req/s | p50 ms | p99 ms | non-2xx | socket errors | requests |")
print("|---|---:|---:|---:|---:|---:|---:|")
LOGIN = ("login-", "ws-alone-")
for name, rs in runs.items():
    if name.startswith(LOGIN):
        continue
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
for name, target in (("token-client-credentials", 3600), ("token-refresh", 3600)):
    if name in runs:
        print(f"- {name}: {runs[name][0]['rps']:.0f}/s (target >= {target}/s)")
if "token-password" in runs:
    print(f"- token-password: {runs['token-password'][0]['rps']:.0f}/s "
          f"(Argon2id m=19 MiB t=2 p=1 per login, at most one per core at a time)")
print(f"- Caravan heap cap {heap}; resident memory after the API runs: {int(rss_kb) // 1024} MiB")


def read_rows(path):
    try:
        return [line.strip().split("|") for line in open(path) if line.strip()]
    except OSError:
        return []


login = {name: rs[0] for name, rs in runs.items() if name.startswith(LOGIN)}
if login:
    print()
    print("### Login path")
    print()
    print("| target | req/s | p50 ms | p99 ms | non-2xx | socket errors | requests | CPU us/request |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in login.items():
        cpu = f"{cpu_us([r]):.0f}" if r["ticks"] and r["total"] else "-"
        print(f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non2xx']} | {r['errors']} "
              f"| {r['total']} | {cpu} |")
    slapd = {row[0]: row for row in read_rows(f"{work}/slapd-rows")} if work else {}
    for mode, what in (("bind", "simple binds, one per request"),
                       ("login", "search + bind + group search, what one login asks of it")):
        if mode in slapd:
            _, rate, p50, p99, failed, total = slapd[mode]
            print(f"| slapd alone: {what} (UnboundID SDK, same users) | {float(rate):.0f} | {float(p50):.2f} "
                  f"| {float(p99):.2f} | {failed} failed | - | {total} | - |")
    print()
    print("CPU us/request: Caravan's and the store's (slapd, or the web service) user + system time, "
          "per request; for ws-alone the web service's alone. Every login cycles through distinct "
          "users; every LDAP login is a search, a bind as that user and a group search at slapd.")
    print()
    ldap = sorted((n for n in login if n.startswith("login-ldap-c")), key=lambda n: int(n.rsplit("c", 1)[1]))
    for name in ldap:
        r = login[name]
        verdict = ""
        if name.endswith("-c16"):
            met = r["rps"] >= 2500 and r["p99"] <= 50 and r["non2xx"] == 0
            verdict = f" (target at 16 connections: >= 2,500/s with p99 <= 50 ms: **{'met' if met else 'missed'}**)"
        line = f"- LDAP password grants, {name.rsplit('c', 1)[1]} connections: {r['rps']:.0f}/s, p99 {r['p99']:.1f} ms{verdict}"
        if "login" in slapd and float(slapd["login"][1]) > 0:
            line += f"; {100 * r['rps'] / float(slapd['login'][1]):.1f} % of slapd's own rate for the same work"
        print(line)
    for name in sorted(n for n in login if n.startswith("login-ws-c")):
        alone = next((r for n, r in login.items() if n.startswith("ws-alone-")), None)
        r = login[name]
        extra = f"; {100 * r['rps'] / alone['rps']:.1f} % of the web service's own rate" if alone and alone["rps"] else ""
        print(f"- web-service password grants, {name.rsplit('c', 1)[1]} connections: {r['rps']:.0f}/s, "
              f"p99 {r['p99']:.1f} ms{extra}")
    calm = next((login[n] for n in ldap if n.endswith("-c16")), None) or (login[ldap[0]] if ldap else None)
    hung = next((r for n, r in login.items() if n.startswith("login-ldap-hung-")), None)
    if calm and hung and hung["total"] == 0:
        print(f"- LDAP logins while a hung organization is loaded: **none answered** within the run "
              f"({calm['rps']:.0f}/s, p99 {calm['p99']:.1f} ms just before): every login waited behind the "
              f"hung organization's (target: p99 within +10%; missed)")
    elif calm and hung and calm["p99"] > 0:
        delta = (hung["p99"] - calm["p99"]) / calm["p99"]
        lost = hung["errors"] + hung["non2xx"]
        print(f"- LDAP logins while a hung organization is loaded: p99 {hung['p99']:.1f} ms against "
              f"{calm['p99']:.1f} ms just before (**{delta:+.0%}**; target < +10%), {hung['rps']:.0f}/s against "
              f"{calm['rps']:.0f}/s, {lost} failed or timed out (wrk's p99 counts only answered requests)"
              f" ({'met' if delta < 0.10 and lost == 0 else 'missed'})")
    for row in read_rows(f"{work}/hung-row") if work and hung else []:
        _, rps, p50, p99, non2xx, errors, total = row
        print(f"  - the hung organization's own logins meanwhile: {total} answered ({non2xx} non-2xx), "
              f"{errors} socket errors/timeouts, p50 {float(p50):.0f} ms")
    if work:
        try:
            print()
            print("### Password grants by outcome (benchldap: directory users, and its primary user)")
            print()
            print(open(f"{work}/timing.md").read().rstrip())
        except OSError:
            pass
