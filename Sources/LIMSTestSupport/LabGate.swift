import Foundation

/// Lets at most a few labs run at once in one test process.
///
/// Swift Testing starts every test of a run at once. On a two-core machine some three hundred labs, each with its
/// own database, pool and server, starved each other: connections timed out after 3 s and tests that wait (bounded)
/// for background work ran out of time. Tests queue here instead. No test starts a lab inside another lab's body
/// (a second instance runs `lims serve` as a process), so a test never waits on itself.
///
/// `LIMS_TEST_LABS` sets the number (default 6).
public actor LabGate {
    public static let shared = LabGate(
        limit: ProcessInfo.processInfo.environment["LIMS_TEST_LABS"].flatMap(Int.init).map { max(1, $0) } ?? 6
    )

    private let limit: Int
    private var free: Int
    /// Strictly first come, first served: a lab that wants every place is not overtaken by labs that want one.
    private var waiting: [(places: Int, continuation: CheckedContinuation<Void, Never>)] = []

    init(limit: Int) {
        self.limit = limit
        free = limit
    }

    private func enter(places: Int) async {
        if waiting.isEmpty, free >= places {
            free -= places
            return
        }
        await withCheckedContinuation { waiting.append((places, $0)) }
    }

    private func leave(places: Int) {
        free += places
        while let first = waiting.first, first.places <= free {
            free -= first.places
            waiting.removeFirst()
            first.continuation.resume()
        }
    }

    /// Runs `body` holding a place, or every place when `alone` (for a test that measures time).
    public static func run<T: Sendable>(alone: Bool = false, _ body: () async throws -> T) async throws -> T {
        let places = alone ? shared.limit : 1
        await shared.enter(places: places)
        do {
            let result = try await body()
            await shared.leave(places: places)
            return result
        } catch {
            await shared.leave(places: places)
            throw error
        }
    }
}
