"""The Google Benchmark micro-benchmarks (bench/decide_bench, bench/header_bench), run on the server core."""
import json
import subprocess


def run(binary, cpus="0", min_time="0.3"):
    argv = ["taskset", "-c", cpus, binary, "--benchmark_format=json", "--benchmark_min_time=" + min_time]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d):\n%s" % (binary, proc.returncode, proc.stderr[-2000:]))
    data = json.loads(proc.stdout)
    results = []
    for b in data.get("benchmarks", []):
        if b.get("error_occurred"):
            raise RuntimeError("%s: %s: %s" % (binary, b.get("name"), b.get("error_message")))
        results.append({
            "name": b["name"],
            "ns_per_op": b["cpu_time"] if b.get("time_unit") == "ns" else None,
            "time_unit": b.get("time_unit"),
            "cpu_time": b["cpu_time"],
            "items_per_second": b.get("items_per_second"),
        })
    return results
