import NIOCore
import Synchronization

/// Counts the server's open connections across event loops; `ConnectionCapHandler` asks it on every accept.
final class ConnectionLimiter: Sendable {
    let maximum: Int
    private let open = Atomic<Int>(0)

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Counts a new connection; false when it is one more than the cap allows (it is counted until it closes).
    func admit() -> Bool {
        open.add(1, ordering: .relaxed).newValue <= maximum
    }

    func release() {
        open.subtract(1, ordering: .relaxed)
    }

    var count: Int { open.load(ordering: .relaxed) }
}

/// First handler of every connection: counts it while it is open and closes it at once when the server already
/// holds `maximum` connections. (Hummingbird's own `availableConnectionsDelegate` stops accepting instead, which
/// leaves the surplus waiting in the kernel's backlog; a refused client should learn so at once.)
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let limiter: ConnectionLimiter
    private var admitted: Bool?

    init(limiter: ConnectionLimiter) {
        self.limiter = limiter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let limiter = self.limiter
        admitted = limiter.admit()
        context.channel.closeFuture.whenComplete { _ in limiter.release() }
        if context.channel.isActive { closeIfRefused(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        closeIfRefused(context)
        context.fireChannelActive()
    }

    private func closeIfRefused(_ context: ChannelHandlerContext) {
        if admitted == false { context.close(promise: nil) }
    }
}
