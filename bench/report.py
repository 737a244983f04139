#!/usr/bin/env python3
"""Turns the timings of bench/run.sh into docs/benchmarks.md and docs/benchmarks.json.
usage: report.py WORK_DIR OUT.md OUT.json
       report.py --render OUT.json OUT.md      (the Markdown again from the JSON, e.g. after editing bench/notes.md)"""
import json, os, statistics, sys

notes_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes.md")
MiB = 1 << 20

DESCRIPTIONS = {
    "mcr-startup": "mcr-export --version (process start, no work; Native AOT)",
    "mcr-startup-fd": "dotnet mcr-export.dll --version (the same, framework-dependent)",
    "mcr-cold-docker-tar": "mcr-export → docker-tar, cold cache",
    "mcr-warm-docker-tar": "mcr-export → docker-tar, warm cache",
    "mcr-cold-oci": "mcr-export → oci, cold cache",
    "mcr-warm-oci": "mcr-export → oci, warm cache",
    "skopeo-docker-archive": "skopeo copy → docker-archive:",
    "skopeo-oci": "skopeo copy → oci:",
    "docker-pull-save": "docker pull + docker save",
    "curl-floor": "curl of every blob into one file (floor)",
    "copy-cached": "cat of the cached blobs into one file",
    "cdn-mcr-oci": "mcr-export → oci, cold cache (several connections)",
    "cdn-skopeo-oci": "skopeo copy → oci:",
    "cdn-curl": "curl of the layer over one connection (floor)",
}
ORDER = list(DESCRIPTIONS)
SKOPEO_PEER = {"mcr-cold-docker-tar": "skopeo-docker-archive", "mcr-warm-docker-tar": "skopeo-docker-archive",
               "mcr-cold-oci": "skopeo-oci", "mcr-warm-oci": "skopeo-oci", "cdn-mcr-oci": "cdn-skopeo-oci"}

def build(work, json_path):
    meta = json.load(open(os.path.join(work, "meta.json")))
    runs = {}  # size -> name -> run -> {wall, cpu, rss}
    size_order = []
    for line in open(os.path.join(work, "results.tsv")):
        size, name, run, wall, user, sys_, rss = line.rstrip("\n").split("\t")
        if size not in runs:
            runs[size] = {}
            size_order.append(size)
        runs[size].setdefault(name, {})[int(run)] = {"wall": float(wall), "cpu": float(user) + float(sys_),
                                                      "rssMiB": int(rss) / 1024}


    def median(xs):
        return statistics.median(xs) if xs else None


    def ratio(size, a, b, key="wall"):
        """The median over runs of a/b, both taken in the same run."""
        ra, rb = runs[size].get(a, {}), runs[size].get(b, {})
        pairs = [ra[r][key] / rb[r][key] for r in ra if r in rb and rb[r][key] > 0]
        return median(pairs)


    report = {"machine": meta, "sizes": []}
    for size in size_order:
        image = json.load(open(os.path.join(work, f"image-{size}.json")))
        rows = []
        for name in ORDER:
            if name not in runs[size]:
                continue
            r = runs[size][name]
            walls = [v["wall"] for v in r.values()]
            row = {"name": name, "description": DESCRIPTIONS[name], "runs": [r[k] | {"run": k} for k in sorted(r)],
                   "wallMedian": median(walls), "wallMin": min(walls), "wallMax": max(walls),
                   "cpuMedian": median([v["cpu"] for v in r.values()]),
                   "rssMedianMiB": median([v["rssMiB"] for v in r.values()]),
                   "rssMaxMiB": max(v["rssMiB"] for v in r.values())}
            if name in SKOPEO_PEER:
                row["ratioToSkopeo"] = ratio(size, name, SKOPEO_PEER[name])
            floor = "cdn-curl" if size.startswith("cdn-") else "curl-floor"
            if name != floor:
                row["ratioToFloor"] = ratio(size, name, floor)
            if name == "mcr-warm-oci":
                row["ratioToCold"] = ratio(size, name, "mcr-cold-oci")
            if name == "mcr-warm-docker-tar":
                row["ratioToCopy"] = ratio(size, name, "copy-cached")
            rows.append(row)
        report["sizes"].append({"size": size, "image": image, "rows": rows})


    def row_of(entry, name):
        return next((r for r in entry["rows"] if r["name"] == name), None)


    targets = []
    for entry in report["sizes"]:
        size = entry["size"]

        def check(text, value, limit, unit="×"):
            if value is not None:
                targets.append({"size": size, "target": text, "value": round(value, 3), "limit": limit,
                                "holds": value <= limit, "unit": unit})

        def r(name, key):
            row = row_of(entry, name)
            return row.get(key) if row else None

        if size.startswith("cdn-"):
            check(f"one layer behind a front pacing each connection to {meta.get('cdnRateMiBps', 16):g} MiB/s: "
                  "mcr-export → oci vs one curl connection", r("cdn-mcr-oci", "ratioToFloor"), 0.35)
            continue
        check("cold mcr-export → docker-tar vs the curl floor", r("mcr-cold-docker-tar", "ratioToFloor"), 1.25)
        check("cold mcr-export → oci vs the curl floor", r("mcr-cold-oci", "ratioToFloor"), 1.10)
        check("warm → oci vs cold → oci", r("mcr-warm-oci", "ratioToCold"), 0.10)
        check("mcr-export --version (process start, median)", r("mcr-startup", "wallMedian"), 0.10, "s")
        check("cold mcr-export → docker-tar vs skopeo → docker-archive", r("mcr-cold-docker-tar", "ratioToSkopeo"), 0.40)
        check("cold mcr-export → oci vs skopeo → oci", r("mcr-cold-oci", "ratioToSkopeo"), 0.70)
        rss = [r(n, "rssMaxMiB") for n in ORDER if n.startswith("mcr-") and r(n, "rssMaxMiB") is not None]
        check("peak RSS of mcr-export (largest of all its runs)", max(rss) if rss else None, 100, "MiB")

    plain = [e for e in report["sizes"] if not e["size"].startswith("cdn-")]
    if len(plain) >= 2:
        def peak(entry):
            return max(r["rssMedianMiB"] for r in entry["rows"] if r["name"].startswith("mcr-"))
        ordered = sorted(plain, key=lambda e: e["image"]["size"])
        small, large = ordered[0], ordered[-1]
        growth = peak(large) - peak(small)
        targets.append({"size": f"{small['size']} → {large['size']}", "target": "growth of mcr-export's peak RSS (medians)",
                        "value": round(growth, 1), "limit": 20, "holds": growth <= 20, "unit": "MiB"})
    report["targets"] = targets
    json.dump(report, open(json_path, "w"), indent=2, ensure_ascii=False)
    return report


def fmt(x, digits=2):
    return "–" if x is None else f"{x:.{digits}f}"


def render(report, md_path):
    m = report["machine"]
    size_order = [e["size"] for e in report["sizes"]]
    targets = report["targets"]
    out = ["# Benchmarks", "",
           "mcr-export against `skopeo copy`, `docker pull` + `docker save` and `curl` (the floor: every blob of the image",
           "fetched into one file, nothing verified, nothing else written), all pulling the same image from a distribution",
           "registry on 127.0.0.1. Produced by `bench/run.sh` (see its header for options); to rerun:", "",
           "```", m.get("command") or f"bash bench/run.sh --size {','.join(size_order)} --runs {m['runs']}", "```", "",
           "How it is measured:", "",
           "- The image is generated from a seed (the same bytes every time): 4 gzip'd layers, each a tar of one file, of",
           "  decreasing entropy: random bytes, half random (4 KiB random, 4 KiB zeros), text-like, zeros. The size names",
           "  roughly what a pull transfers (the compressed layers).",
           "- Each run executes every command once; the order rotates from run to run, so no command always follows the same",
           "  one. Wall time, CPU time (user + sys) and peak RSS come from GNU `time` (`/usr/bin/time -f '%e %U %S %M'`).",
           "  For docker the daemon does the work, so its CPU time (children included) is added and its peak RSS",
           "  (reset before each run) is shown.",
           "- Figures are medians over the runs; ratios are computed within each run (the two commands of a pair ran",
           "  next to each other) and then the median is taken, which cancels much of the machine's background load.",
           "- Cold: a fresh, empty `--cache-dir`. Warm: a cache that already holds every blob. Cache and output are on the",
           "  same file system, so `-f oci` hard-links layers out of the cache. Nothing calls fsync, in any tool; outputs",
           "  are deleted between runs and the registry's files stay in the page cache.",
           f"- `--parallel {m['parallel']}` (the default) for mcr-export.", "",
           "## Machine and versions", "",
           f"- {m['nproc']} CPUs ({m['cpu']}), {m['memoryGiB']} GiB memory, Linux {m['kernel']}",
           f"- load average at the start {' '.join(m['loadAverageAtStart'])}, at the end {' '.join(m.get('loadAverageAtEnd', []))}"
           + (" (more than the CPUs: the machine was busy with other work while this ran; expect noise, trust the ratios"
              " more than the absolute times)" if float(m['loadAverageAtStart'][0]) > float(m['nproc']) else ""),
           f"- mcr-export {m['mcrExport']} (.NET SDK {m['dotnet']}), skopeo {m['skopeo']}, docker {m['docker'] or '(skipped)'},"
           f" distribution registry {m['registry']}, curl {m['curl']}", ""]

    for entry in report["sizes"]:
        img = entry["image"]
        if entry["size"].startswith("cdn-"):
            out += [f"## {entry['size'][4:]} layer behind a front pacing each connection to {m.get('cdnRateMiBps', 16):g} MiB/s", "",
                    "A one-layer image; `bench/throttle.py` on 127.0.0.2 forwards to the registry and paces the bytes of each",
                    "connection on its own (Range passes through), as a CDN that shapes per connection. × floor here is × one",
                    "curl connection; mcr-export uses its default of 4 connections per blob of 64 MiB or more.", ""]
        else:
            out += [f"## {entry['size']} image", ""]
        out += [
                f"{img['compressedBytes'] / MiB:.0f} MiB compressed, {img['uncompressedBytes'] / MiB:.0f} MiB uncompressed; layers: "
                + ", ".join(f"{l['kind']} {l['size'] / MiB:.1f} MiB" for l in img["layers"])
                + f". {len(entry['rows'][0]['runs'])} runs.", "",
                "| command | wall (s) median | min – max | CPU (s) | peak RSS (MiB) | × skopeo | × floor |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for row in entry["rows"]:
            extra = ""
            if "ratioToCold" in row:
                extra = f" (warm/cold {fmt(row['ratioToCold'])})"
            if "ratioToCopy" in row:
                extra = f" (× cat {fmt(row['ratioToCopy'])})"
            out.append(f"| {row['description']}{extra} | {fmt(row['wallMedian'])} | {fmt(row['wallMin'])} – {fmt(row['wallMax'])} | "
                       f"{fmt(row['cpuMedian'])} | {fmt(row['rssMedianMiB'], 0)} | {fmt(row.get('ratioToSkopeo'))} | "
                       f"{fmt(row.get('ratioToFloor'))} |")
        out.append("")

    out += ["## Targets", "", "| size | target | measured | limit | holds |", "| --- | --- | ---: | ---: | --- |"]
    for t in targets:
        unit = {"MiB": " MiB", "s": " s"}.get(t["unit"], "×")
        out.append(f"| {t['size']} | {t['target']} | {t['value']}{unit} | {t['limit']}{unit} | {'yes' if t['holds'] else '**no**'} |")
    out.append("")
    if os.path.exists(notes_path):
        out += [open(notes_path).read().rstrip(), ""]
    open(md_path, "w").write("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--render":
        render(json.load(open(sys.argv[2])), sys.argv[3])
    elif len(sys.argv) == 4:
        render(build(sys.argv[1], sys.argv[3]), sys.argv[2])
    else:
        sys.exit(__doc__)
