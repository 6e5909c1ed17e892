"""Reads one wrk --latency output and prints: name|rps|p50_ms|p99_ms|non2xx|errors|requests"""
import re
import sys

name, path = sys.argv[1], sys.argv[2]
text = open(path).read()


def ms(value):
    m = re.match(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        return float("nan")
    number, unit = float(m.group(1)), m.group(2)
    return number / 1000 if unit == "us" else number * 1000 if unit == "s" else number * 60000 if unit == "m" else number


rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
total = re.search(r"(\d+) requests in", text)
error_count = sum(int(x) for x in errors.groups()) if errors else 0
print("|".join([
    name,
    rps.group(1) if rps else "nan",
    f"{ms(p50.group(1)):.3f}" if p50 else "nan",
    f"{ms(p99.group(1)):.3f}" if p99 else "nan",
    non2xx.group(1) if non2xx else "0",
    str(error_count),
    total.group(1) if total else "0",
]))
