#!/usr/bin/env python3
"""Where the server's CPU went, by layer: reads `perf script` output (demangled) on stdin and attributes each sample
to the innermost frame that names a layer (a sample whose innermost frame is in the kernel counts as the kernel's).
The layers are told apart by symbol names, so the split is approximate; it answers "how much of a request is ours".
Usage: perf script -i perf.data | swift demangle --simplified | layers.py"""
import collections
import re
import sys

LAYERS = [
    ("PostgreSQL client (PostgresNIO)", r"Postgres|PSQL|ConnectionPool|PoolStateMachine"),
    ("JSON (request decoding, response writing)",
     r"JSONDecoder|JSONEncoder|JSONDecoderImpl|JSONWriter|EncodedJSON|JSONBodyScan|JSONValue|Decodable|Encodable"),
    ("our code (stores, middleware, validation)",
     r"OrderStore|OrderController|OrderSubmission|Idempotency|Authenticator|APIKey|CustomerStore|Catalogue|InstrumentStore|"
     r"RegisterInstruments|Quote|Validator|AuditLog|Middleware|FollowedCache|trimmed|Order\.|SHA256|Crypto|UUID"),
    ("HTTP server (NIOHTTP1, Hummingbird)",
     r"HTTP1|HTTPDecoder|HTTPResponseEncoder|HTTPServer|NIOHTTP|ByteToMessage|Hummingbird|Router|RequestDeadline|RequestBytes|"
     r"GuardedHTTP|NIOAsyncChannel|NIOAsyncWriter|NIOThrowingAsyncSequenceProducer|ConnectionLimiter|HTTPChannel|Responder"),
    ("Swift concurrency (task switches, enqueue)",
     r"swift_task|AsyncTask|swift_job_run|runJobInEstablishedExecutorContext|swift_continuation|Continuation|TaskAllocator|"
     r"swift::StackAllocator"),
    ("NIO event loop and channel plumbing",
     r"SelectableEventLoop|Selector|BaseSocketChannel|BaseStreamSocketChannel|epoll|ChannelPipeline|ChannelHandlerContext|"
     r"EventLoop|PendingWrites|CallbackList|NIOLock|LockStorage"),
]
KERNEL = "kernel (socket reads and writes, epoll, wake-ups)"
OTHER = "other (Swift runtime, libc, unattributed)"
compiled = [(name, re.compile(pattern)) for name, pattern in LAYERS]
counts = collections.Counter()
total = 0


def attribute(stack):
    if "kernel.kallsyms" in stack[0]:
        return KERNEL
    for frame in stack:
        for name, pattern in compiled:
            if pattern.search(frame):
                return name
    return OTHER


stack = []
for line in list(sys.stdin) + [""]:
    if not line.strip():
        if stack:
            counts[attribute(stack)] += 1
            total += 1
        stack = []
    elif line[0] in " \t":
        stack.append(line.strip())
if total:
    for name, count in counts.most_common():
        print(f"  {100 * count / total:5.1f} %  {name}")
    print(f"  ({total} samples)")
