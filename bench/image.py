#!/usr/bin/env python3
"""Generates a deterministic 4-layer test image and pushes it to a registry on loopback.

usage: image.py generate DIR SIZE_BYTES SEED [one-layer]
                                                 writes DIR/blobs/<hex>, DIR/manifest.json, DIR/image.json
       image.py push DIR HOST:PORT REPO TAG       pushes the blobs (POST + PUT with digest), then the manifest

SIZE is the approximate total of the compressed layers (what a pull transfers). The layers, each one gzip'd tar
holding one file, differ in compressibility: random bytes, half random (4 KiB random, 4 KiB zeros), text-like
(words drawn from a small vocabulary), and zeros; with one-layer, a single random layer of SIZE. Same SIZE and SEED give the same bytes (gzip level 1, mtime 0)."""
import gzip, hashlib, io, json, os, random, sys, tarfile, urllib.request

CHUNK = 1 << 20
WORDS = (b"the of and to in is was for on that with as by at from layer image registry blob digest manifest "
         b"config export cache archive docker container windows server core nano runtime framework build "
         b"version platform network stream buffer socket kernel memory process thread file folder path").split()


def random_chunks(rng, n):
    while n > 0:
        k = min(CHUNK, n)
        yield rng.randbytes(k)
        n -= k


def half_random_chunks(rng, n):
    zeros = bytes(4096)
    while n > 0:
        k = min(CHUNK, n)
        block = bytearray()
        while len(block) < k:
            block += rng.randbytes(4096)
            block += zeros
        yield bytes(block[:k])
        n -= k


def text_chunks(rng, n):
    words = [w + b" " for w in WORDS] + [b"\n"]
    pool = []
    for _ in range(16):
        line = bytearray()
        while len(line) < CHUNK:
            line += b"".join(rng.choices(words, k=4096))
        pool.append(bytes(line[:CHUNK]))
    while n > 0:
        k = min(CHUNK, n)
        head = rng.randbytes(256).hex().encode()
        yield (head + pool[rng.randrange(len(pool))])[:k]
        n -= k


def zero_chunks(rng, n):
    zero = bytes(CHUNK)
    while n > 0:
        k = min(CHUNK, n)
        yield zero[:k]
        n -= k


class ChunkReader:
    def __init__(self, chunks):
        self.chunks, self.pending, self.at = chunks, b"", 0

    def read(self, n=-1):
        if self.at >= len(self.pending):
            self.pending, self.at = next(self.chunks, b""), 0
        n = len(self.pending) - self.at if n < 0 else min(n, len(self.pending) - self.at)
        out = self.pending[self.at:self.at + n]
        self.at += n
        return out


class Tee:
    """Hashes what is written (the uncompressed tar) and passes it on."""
    def __init__(self, inner):
        self.inner, self.sha = inner, hashlib.sha256()

    def write(self, b):
        self.sha.update(b)
        return self.inner.write(b)

    def flush(self):
        pass


def make_layer(out_dir, name, kind, size, rng):
    tmp = os.path.join(out_dir, "blobs", ".layer.tmp")
    with open(tmp, "wb") as raw:
        gz = gzip.GzipFile(filename="", mode="wb", compresslevel=1, fileobj=raw, mtime=0)
        tee = Tee(gz)
        with tarfile.open(fileobj=tee, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            info = tarfile.TarInfo(f"{name}/{kind}.bin")
            info.size, info.mtime, info.mode = size, 0, 0o644
            tar.addfile(info, ChunkReader(GENERATORS[kind](rng, size)))
        gz.close()
    sha = hashlib.sha256()
    with open(tmp, "rb") as f:
        for b in iter(lambda: f.read(CHUNK), b""):
            sha.update(b)
    digest = sha.hexdigest()
    os.replace(tmp, os.path.join(out_dir, "blobs", digest))
    return {"digest": "sha256:" + digest, "size": os.path.getsize(os.path.join(out_dir, "blobs", digest)),
            "diff_id": "sha256:" + tee.sha.hexdigest(), "kind": kind, "uncompressed": size}


GENERATORS = {"random": random_chunks, "half-random": half_random_chunks, "text": text_chunks, "zeros": zero_chunks}
# (kind, uncompressed bytes as a share of SIZE): compressed ≈ 0.55 + 0.25 + 0.20 + ~0 of SIZE
PLAN = [("random", 0.55), ("half-random", 0.48), ("text", 0.62), ("zeros", 0.125)]


def put_blob(out_dir, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(out_dir, "blobs", digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def generate(out_dir, size, seed, one_layer=False):
    os.makedirs(os.path.join(out_dir, "blobs"), exist_ok=True)
    rng = random.Random(seed)
    plan = [("random", 1.0)] if one_layer else PLAN
    layers = [make_layer(out_dir, f"layer{i}", kind, max(CHUNK, int(size * share) // CHUNK * CHUNK), rng)
              for i, (kind, share) in enumerate(plan, 1)]
    config = {"architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
              "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
              "rootfs": {"type": "layers", "diff_ids": [l["diff_id"] for l in layers]},
              "history": [{"created": "1970-01-01T00:00:00Z", "created_by": f"bench {l['kind']} layer"} for l in layers]}
    config_desc = put_blob(out_dir, json.dumps(config, separators=(",", ":"), sort_keys=True).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"mediaType": "application/vnd.docker.container.image.v1+json", **config_desc},
                "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                            "size": l["size"], "digest": l["digest"]} for l in layers]}
    with open(os.path.join(out_dir, "manifest.json"), "wb") as f:
        f.write(json.dumps(manifest, indent=2).encode())
    info = {"seed": seed, "size": size, "layers": layers, "config": config_desc,
            "compressedBytes": sum(l["size"] for l in layers) + config_desc["size"],
            "uncompressedBytes": sum(l["uncompressed"] for l in layers)}
    with open(os.path.join(out_dir, "image.json"), "w") as f:
        json.dump(info, f, indent=2)
    print(json.dumps({k: info[k] for k in ("compressedBytes", "uncompressedBytes")}))



def push(out_dir, registry, repo, tag):
    if not registry.startswith("127."):
        sys.exit("loopback addresses only")
    manifest_bytes = open(os.path.join(out_dir, "manifest.json"), "rb").read()
    manifest = json.loads(manifest_bytes)
    for desc in [manifest["config"]] + manifest["layers"]:
        digest = desc["digest"]
        head = urllib.request.Request(f"http://{registry}/v2/{repo}/blobs/{digest}", method="HEAD")
        try:
            urllib.request.urlopen(head).close()
            continue
        except urllib.error.HTTPError:
            pass
        with urllib.request.urlopen(urllib.request.Request(f"http://{registry}/v2/{repo}/blobs/uploads/", method="POST")) as r:
            location = r.headers["Location"]
        if location.startswith("/"):
            location = f"http://{registry}{location}"
        sep = "&" if "?" in location else "?"
        path = os.path.join(out_dir, "blobs", digest.split(":")[1])
        with open(path, "rb") as body:
            req = urllib.request.Request(f"{location}{sep}digest={digest}", data=body, method="PUT",
                                         headers={"Content-Type": "application/octet-stream",
                                                  "Content-Length": str(os.path.getsize(path))})
            urllib.request.urlopen(req).close()
    req = urllib.request.Request(f"http://{registry}/v2/{repo}/manifests/{tag}", data=manifest_bytes, method="PUT",
                                 headers={"Content-Type": manifest["mediaType"]})
    urllib.request.urlopen(req).close()


if __name__ == "__main__":
    if len(sys.argv) in (5, 6) and sys.argv[1] == "generate" and sys.argv[5:] in ([], ["one-layer"]):
        generate(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), one_layer=len(sys.argv) == 6)
    elif len(sys.argv) == 6 and sys.argv[1] == "push":
        push(*sys.argv[2:])
    else:
        sys.exit(__doc__)
