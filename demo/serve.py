#!/usr/bin/env python3
"""The demo's stand-ins for the internet: an fwlink-style redirector and a CDN serving the foreign base layers.
usage: serve.py BLOB_DIR REDIRECT_HOST:PORT CDN_HOST:PORT (loopback addresses only)"""
import http.server, os, sys, threading

blob_dir = sys.argv[1]
redirect_host, redirect_port = sys.argv[2].rsplit(":", 1)
cdn_host, cdn_port = sys.argv[3].rsplit(":", 1)
for h in (redirect_host, cdn_host):
    if not h.startswith("127."):
        sys.exit("loopback addresses only")
links = {}
for line in open(os.path.join(blob_dir, "..", "..", "foreign-links.txt")):
    link_id, digest = line.split()
    links[link_id] = digest

class Redirector(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        link_id = self.path.rsplit("linkid=", 1)[-1]
        if link_id not in links:
            self.send_error(404)
            return
        self.send_response(302)
        self.send_header("Location", f"http://{cdn_host}:{cdn_port}/blobs/{links[link_id]}?sig=demo")
        self.end_headers()
    def log_message(self, *args):
        pass

class Cdn(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        name = self.path.split("?")[0].rsplit("/", 1)[-1]
        path = os.path.join(blob_dir, name.split(":")[-1])
        if not os.path.isfile(path) or "/" in name:
            self.send_error(404)
            return
        data = open(path, "rb").read()
        start = 0
        if self.headers.get("Range", "").startswith("bytes="):
            start = int(self.headers["Range"][6:].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        self.wfile.write(data[start:])
    def log_message(self, *args):
        pass

servers = [http.server.ThreadingHTTPServer((redirect_host, int(redirect_port)), Redirector),
           http.server.ThreadingHTTPServer((cdn_host, int(cdn_port)), Cdn)]
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
servers[0].serve_forever()
