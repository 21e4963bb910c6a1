import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 child channel with Calibra's guards added to every connection: the connection cap
/// first, the request-byte observer before the HTTP decoder, and the deadline handler after it.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let limits: HTTPLimits
    let limiter: ConnectionLimiter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let limits = self.limits
        let limiter = self.limiter
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let deadlines = RequestDeadlineHandler(limits: limits, logger: logger)
            let stateHandler = try pipeline.handler(type: HTTPConnectionStateHandler.self)
            try pipeline.addHandler(deadlines, position: .before(stateHandler))
            try pipeline.addHandler(RequestBytesObserver(deadlines: deadlines), position: .first)
            try pipeline.addHandler(ConnectionCapHandler(limiter: limiter), position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// An HTTP/1.1 server whose connections obey `limits` (deadlines and the connection cap).
    static func guardedHTTP1(_ limits: HTTPLimits) -> HTTPServerBuilder {
        let limiter = ConnectionLimiter(maximum: limits.maxConnections)
        return .init { responder in
            GuardedHTTP1Channel(http1: HTTP1Channel(responder: responder), limits: limits, limiter: limiter)
        }
    }
}
