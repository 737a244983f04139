#!/usr/bin/env python3
"""A TCP front that paces each connection on its own, as a CDN that shapes per connection does.

usage: throttle.py LISTEN_IP UPSTREAM_HOST:PORT BYTES_PER_SECOND

Listens on LISTEN_IP (loopback only) at a port the system picks, prints that port on one line, and forwards every
connection to the upstream (a registry: Range, redirects and everything else pass through untouched). Bytes from
the upstream to the client are paced to BYTES_PER_SECOND per connection; requests go upstream unpaced."""
import asyncio, sys, time

CHUNK = 64 * 1024


async def pump(reader, writer, rate):
    started, sent = time.monotonic(), 0
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
            if rate:
                sent += len(data)
                ahead = sent / rate - (time.monotonic() - started)
                if ahead > 0:
                    await asyncio.sleep(ahead)
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main(listen, upstream, rate):
    if not listen.startswith("127."):
        sys.exit("loopback addresses only")
    host, port = upstream.rsplit(":", 1)

    async def handle(client_reader, client_writer):
        try:
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, up_writer, 0), pump(up_reader, client_writer, rate))

    server = await asyncio.start_server(handle, listen, 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
