import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is too slow: the request's headers not complete within `headerTimeout` of its
/// first byte, its body not complete within `bodyTimeout` of the headers, or no new request within `idleTimeout`
/// of the last response. A request being answered has no deadline (the handler's own work is not the client's).
/// It sits after the HTTP decoder and learns of a request's first byte from `RequestBytesObserver`, in front of it.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: HTTPLimits
    private let logger: Logger
    private var context: ChannelHandlerContext?
    /// Bytes of a request have arrived but not yet its complete head.
    private var headPending = false
    /// The head has arrived but not the end of the body.
    private var bodyPending = false
    /// Requests whose head arrived and whose response has not been written to its end.
    private var responsesPending = 0
    private var phaseStart = NIODeadline.now()
    private var armed: NIODeadline?
    private var timer: Scheduled<Void>?

    init(limits: HTTPLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { startWaiting() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        startWaiting()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    /// Raw bytes reached the connection (before decoding): a request's first byte starts the header deadline.
    func bytesArrived() {
        guard !headPending, !bodyPending else { return }
        headPending = true
        if responsesPending == 0 { phaseStart = .now() }
        rearm()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            headPending = false
            bodyPending = true
            responsesPending += 1
            phaseStart = .now()
            rearm()
        case .body:
            break
        case .end:
            bodyPending = false
            rearm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), responsesPending > 0 {
            responsesPending -= 1
            if responsesPending == 0 { phaseStart = .now() }
            rearm()
        }
        context.write(data, promise: promise)
    }

    private func startWaiting() {
        phaseStart = .now()
        rearm()
    }

    /// The deadline that applies now: body, then (with nothing being answered) header, then idle.
    private var current: (deadline: NIODeadline, reason: String)? {
        if bodyPending { return (phaseStart + TimeAmount(limits.bodyTimeout), "body") }
        if responsesPending > 0 { return nil }
        if headPending { return (phaseStart + TimeAmount(limits.headerTimeout), "header") }
        return (phaseStart + TimeAmount(limits.idleTimeout), "idle")
    }

    private func rearm() {
        let next = current
        guard next?.deadline != armed else { return }
        disarm()
        guard let next, let context else { return }
        armed = next.deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: next.deadline) { [self] in
            timer = nil
            armed = nil
            logger.debug("closing a slow connection", metadata: ["deadline": .string(next.reason)])
            context.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        armed = nil
    }
}

/// Watches the raw bytes in front of the HTTP decoder and tells the deadline handler when a request begins.
final class RequestBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadlines: RequestDeadlineHandler

    init(deadlines: RequestDeadlineHandler) {
        self.deadlines = deadlines
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if unwrapInboundIn(data).readableBytes > 0 { deadlines.bytesArrived() }
        context.fireChannelRead(data)
    }
}
