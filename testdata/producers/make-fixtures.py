#!/usr/bin/env python3
"""Writes the two archives of this folder whose producers are not installed here (see README.md).

Deterministic: run it again and the files come out byte for byte the same.
  docker25-save-by-digest.tar   Docker 25.0.0-25.0.2 `docker save IMAGE@DIGEST` (index.json "manifests": null)
  crane-tarball.tar             go-containerregistry pkg/v1/tarball (crane pull), two images sharing a layer
"""
import gzip
import hashlib
import io
import json
import os
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))


def sha(data):
    return hashlib.sha256(data).hexdigest()


def go_json(value):
    """encoding/json.Marshal: compact, keys in struct order (dicts here are written in that order)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def layer_tar(files):
    """A layer as the daemon's TarStream writes it: directories and files, uid 0, mtime 0."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, content in files:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            if content is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                info.mode = 0o644
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def image_config(diff_ids, cmd):
    return go_json({
        "architecture": "amd64",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": cmd},
        "created": "2024-01-20T10:00:00Z",
        "history": [{"created": "2024-01-20T10:00:00Z", "created_by": "COPY . / # buildkit"} for _ in diff_ids],
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for d in diff_ids]},
    })


def write_tar(path, entries):
    """entries: (name, bytes or None for a directory), in order; mode 0644 files, 0755 folders, mtime 0."""
    with tarfile.open(path, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, content in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            if content is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                info.mode = 0o644
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))


def docker25():
    base = layer_tar([("etc/", None), ("etc/os-release", b"NAME=fixture\n")])
    app = layer_tar([("hello.txt", b"Hello from a Docker 25 save!\n")])
    layers = [base, app]
    diff_ids = [sha(l) for l in layers]
    config = image_config(diff_ids, ["cat", "/hello.txt"])
    config_hex = sha(config)
    blobs = {config_hex: config}
    for data in layers:
        blobs[sha(data)] = data
    # saveLayer: the legacy v1 image JSON of each layer is written as a blob too (referenced by nothing).
    parent = ""
    for i, diff_id in enumerate(diff_ids):
        chain = "sha256:" + diff_ids[0] if i == 0 else "sha256:" + sha(("sha256:" + diff_ids[0] + " sha256:" + diff_id).encode())
        v1_id = sha((chain + " " + parent).encode())
        legacy = {"id": v1_id}
        if parent:
            legacy["parent"] = parent
        legacy.update({"created": "1970-01-01T00:00:00Z", "container_config": {"Cmd": None}, "os": "linux"})
        legacy_bytes = go_json(legacy)
        blobs[sha(legacy_bytes)] = legacy_bytes
        parent = v1_id
    manifest = go_json({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + config_hex,
                   "size": len(config), "platform": {"architecture": "amd64", "os": "linux"}},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": "sha256:" + sha(l), "size": len(l)}
                   for l in layers],
    })
    blobs[sha(manifest)] = manifest
    # Saved by digest: no reference, so RepoTags is null, no repositories file, and index.json lists nothing.
    manifest_json = json.dumps([{"Config": "blobs/sha256/" + config_hex, "RepoTags": None,
                                 "Layers": ["blobs/sha256/" + d for d in diff_ids]}], separators=(",", ":")).encode() + b"\n"
    index = go_json({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": None})
    entries = [("blobs/", None), ("blobs/sha256/", None)]
    entries += [("blobs/sha256/" + hex, blobs[hex]) for hex in sorted(blobs)]
    entries += [("index.json", index), ("manifest.json", manifest_json),
                ("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')]
    write_tar(os.path.join(HERE, "docker25-save-by-digest.tar"), entries)
    return config_hex, sha(manifest)


def gz(data):
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=6) as f:
        f.write(data)
    return buffer.getvalue()


def crane():
    shared = layer_tar([("etc/", None), ("etc/os-release", b"NAME=crane-fixture\n")])
    first = layer_tar([("hello.txt", b"Hello from a crane tarball!\n")])
    second = layer_tar([("second.txt", b"the second image\n")])
    images = [("localhost:5000/producers/crane-one:v1", [shared, first]),
              ("localhost:5000/producers/crane-two:v1", [shared, second])]
    entries, seen, manifest = [], set(), []
    configs = []
    for tag, layers in images:
        config = image_config([sha(l) for l in layers], ["cat", "/hello.txt"])
        configs.append(sha(config))
        entries.append(("sha256:" + sha(config), config))
        files = []
        for l in layers:
            blob = gz(l)
            name = sha(blob) + ".tar.gz"
            files.append(name)
            if name not in seen:
                seen.add(name)
                entries.append((name, blob))
        manifest.append({"Config": "sha256:" + sha(config), "RepoTags": [tag], "Layers": files})
    manifest.sort(key=lambda d: ",".join(d["RepoTags"]))
    entries.append(("manifest.json", go_json(manifest)))
    write_tar(os.path.join(HERE, "crane-tarball.tar"), entries)
    return configs


if __name__ == "__main__":
    print("docker25 config, manifest:", *docker25())
    print("crane configs:", *crane())
