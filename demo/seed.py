#!/usr/bin/env python3
"""Pushes the demo's images (make-testdata.py) into a registry on loopback: every blob except foreign layers, then
manifests and tags.
usage: seed.py DATA_DIR REGISTRY_HOST:PORT"""
import json, os, sys, urllib.error, urllib.request

if len(sys.argv) != 3:
    sys.exit("usage: seed.py DATA_DIR REGISTRY_HOST:PORT")
demo, registry = sys.argv[1], sys.argv[2]
if not registry.startswith("127."):
    sys.exit("seed.py: loopback addresses only")
blobs = os.path.join(demo, "blobs", "sha256")

def read(digest):
    return open(os.path.join(blobs, digest.split(":")[1]), "rb").read()

def request(method, url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(req) as r:
        return r

def push_blob(repo, digest):
    r = request("POST", f"http://{registry}/v2/{repo}/blobs/uploads/")
    location = r.headers["Location"]
    if location.startswith("/"):
        location = f"http://{registry}{location}"
    sep = "&" if "?" in location else "?"
    request("PUT", f"{location}{sep}digest={digest}", read(digest), {"Content-Type": "application/octet-stream"})

def push_manifest(repo, reference, digest, media_type):
    request("PUT", f"http://{registry}/v2/{repo}/manifests/{reference}", read(digest), {"Content-Type": media_type})

def main():
    with open(os.path.join(demo, "refs.json")) as f:
        refs = json.load(f)
    foreign = []
    for ref, digest in refs.items():
        repo, tag = ref.rsplit(":", 1)
        top = json.loads(read(digest))
        images = [m["digest"] for m in top["manifests"]] if "manifests" in top else [digest]
        for image in images:
            manifest = json.loads(read(image))
            push_blob(repo, manifest["config"]["digest"])
            for layer in manifest["layers"]:
                if "foreign" in layer["mediaType"]:
                    foreign.append(layer)
                    continue
                push_blob(repo, layer["digest"])
            push_manifest(repo, image, image, manifest["mediaType"])
        push_manifest(repo, tag, digest, top["mediaType"])
        print(f"seeded {registry}/{ref} ({digest[:19]}…)")
    for layer in foreign:
        print(f"foreign layer {layer['digest'][:19]}… not pushed: served at {layer['urls'][0]}")


try:
    main()
except urllib.error.HTTPError as e:
    sys.exit(f"seed.py: {registry} answered {e.code} {e.reason} for {e.url}")
except (urllib.error.URLError, OSError) as e:
    sys.exit(f"seed.py: cannot seed {registry}: {getattr(e, 'reason', None) or e}")
except (ValueError, KeyError, IndexError) as e:
    sys.exit(f"seed.py: the demo data in {demo} is not readable: {e}")
