"""Benchmark receiver: N loopback HTTP servers that answer 204 to every POST and count them; prints the count on SIGUSR1-free
polling through a file (COUNT_FILE) updated every 100 ms. Signatures are not checked here (the Swift tests do that)."""
import asyncio, os, sys

count = 0

async def handle(reader, writer):
    global count
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            count += 1
            writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()

async def main():
    ports = [int(p) for p in sys.argv[1].split(",")]
    servers = [await asyncio.start_server(handle, "127.0.0.1", port) for port in ports]
    path = os.environ["COUNT_FILE"]
    while True:
        with open(path + ".tmp", "w") as f:
            f.write(str(count))
        os.replace(path + ".tmp", path)
        await asyncio.sleep(0.1)

asyncio.run(main())
