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

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { free = limit }

    private func enter() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }

    /// Runs `body` holding a place.
    public static func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await shared.enter()
        do {
            let result = try await body()
            await shared.leave()
            return result
        } catch {
            await shared.leave()
            throw error
        }
    }
}
