#!/usr/bin/env python3
"""The demo's stand-ins for the internet: an fwlink-style redirector and a CDN serving the foreign base layers.
Each listens on a port the system picks; the two addresses are written to PORTS_FILE once both listen.
usage: serve.py DATA_DIR REDIRECT_HOST CDN_HOST PORTS_FILE (loopback addresses only)"""
import http.server, os, sys, threading


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: serve.py DATA_DIR REDIRECT_HOST CDN_HOST PORTS_FILE")
    data_dir, redirect_host, cdn_host, ports_file = sys.argv[1:]
    for h in (redirect_host, cdn_host):
        if not h.startswith("127."):
            sys.exit("serve.py: loopback addresses only")
    blob_dir = os.path.join(data_dir, "blobs", "sha256")
    cdn_address = []

    def links():
        # read when asked: the images are written after the redirector's port is known
        result = {}
        with open(os.path.join(data_dir, "foreign-links.txt")) as f:
            for line in f:
                link_id, digest = line.split()
                result[link_id] = digest
        return result

    class Redirector(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            link_id = self.path.rsplit("linkid=", 1)[-1]
            known = links()
            if link_id not in known:
                self.send_error(404)
                return
            self.send_response(302)
            self.send_header("Location", f"http://{cdn_address[0]}/blobs/{known[link_id]}?sig=demo")
            self.end_headers()

        def log_message(self, *args):
            pass

    class Cdn(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            name = self.path.split("?")[0].rsplit("/", 1)[-1]
            path = os.path.join(blob_dir, name.split(":")[-1])
            if "/" in name or not os.path.isfile(path):
                self.send_error(404)
                return
            with open(path, "rb") as f:
                data = f.read()
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

    try:
        redirector = http.server.ThreadingHTTPServer((redirect_host, 0), Redirector)
        cdn = http.server.ThreadingHTTPServer((cdn_host, 0), Cdn)
    except OSError as e:
        sys.exit(f"serve.py: cannot listen on {redirect_host} and {cdn_host}: {e.strerror}")
    cdn_address.append(f"{cdn_host}:{cdn.server_address[1]}")
    temp = ports_file + ".tmp"
    with open(temp, "w") as f:
        f.write(f"{redirect_host}:{redirector.server_address[1]} {cdn_address[0]}\n")
    os.replace(temp, ports_file)
    threading.Thread(target=cdn.serve_forever, daemon=True).start()
    redirector.serve_forever()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
