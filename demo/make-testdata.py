#!/usr/bin/env python3
"""Writes the demo's images: a small Windows-like image (manifest list -> schema2 manifest with a foreign base layer
whose URL points at the demo's fwlink-style redirector) and a small Linux image, as deterministic blobs.
usage: make-testdata.py OUT_DIR FWLINK_HOST:PORT (a loopback address; the URL is part of the manifests)"""
import gzip, hashlib, io, json, os, sys, tarfile

if len(sys.argv) != 3 or not sys.argv[2].startswith("127."):
    sys.exit("usage: make-testdata.py OUT_DIR FWLINK_HOST:PORT (a loopback address)")
root, fwlink = sys.argv[1], sys.argv[2]
blobs = os.path.join(root, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)

def put(data: bytes) -> dict:
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}

def layer(files):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, text in files:
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode, info.uid, info.gid = len(data), 1577836800, 0o644, 0, 0
            tar.addfile(info, io.BytesIO(data))
    tar_bytes = raw.getvalue()
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0) as g:
        g.write(tar_bytes)
    return gz.getvalue(), "sha256:" + hashlib.sha256(tar_bytes).hexdigest()

def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()

def image(platform, layers, foreign_url=None):
    descs, diff_ids = [], []
    for i, (blob, diff_id) in enumerate(layers):
        d = put(blob)
        if i == 0 and foreign_url:
            d = {"mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", **d, "urls": [foreign_url]}
        else:
            d = {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", **d}
        descs.append(d)
        diff_ids.append(diff_id)
    config = {"architecture": platform["architecture"], "os": platform["os"],
              "config": {"Cmd": ["cmd"] if platform["os"] == "windows" else ["cat", "/hello.txt"]},
              "rootfs": {"type": "layers", "diff_ids": diff_ids}}
    if "os.version" in platform:
        config["os.version"] = platform["os.version"]
    c = put(compact(config))
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"mediaType": "application/vnd.docker.container.image.v1+json", **c}, "layers": descs}
    m = put(compact(manifest))
    return {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", **m, "platform": platform}

refs = {}
entries = []
for version in ["10.0.17763.6532", "10.0.20348.2849"]:
    base = layer([("Files/Windows/System32/kernel-" + version + ".txt", "base layer of windows " + version + "\r\n")])
    update = layer([("Files/Windows/System32/update.txt", "cumulative update " + version + "\r\n")])
    url = f"http://{fwlink}/fwlink/?linkid=" + version.split(".")[2]
    entries.append(image({"architecture": "amd64", "os": "windows", "os.version": version}, [base, update], url))
manifest_list = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json", "manifests": entries}
refs["windows/servercore:ltsc2019"] = put(compact(manifest_list))["digest"]

linux = image({"architecture": "amd64", "os": "linux"},
              [layer([("etc/os-release", "NAME=demo\n")]), layer([("hello.txt", "hello from mcr-export\n")])])
refs["demo/hello:1.0"] = linux["digest"]

with open(os.path.join(root, "refs.json"), "w") as f:
    json.dump(refs, f, indent=2, sort_keys=True)
    f.write("\n")

with open(os.path.join(root, "foreign-links.txt"), "w") as f:
    for entry in entries:
        manifest = json.load(open(os.path.join(blobs, entry["digest"].split(":")[1])))
        for l in manifest["layers"]:
            if "foreign" in l["mediaType"]:
                f.write(l["urls"][0].rsplit("=", 1)[1] + " " + l["digest"] + "\n")
