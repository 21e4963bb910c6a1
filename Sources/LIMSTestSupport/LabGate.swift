import Foundation

/// Lets at most a few labs run at once in one test process.
///
/// Swift Testing starts every test of a run at once. On a two-core machine some three hundred labs, each with its
/// own database, pool and server, starved each other: connections timed out after 3 s and tests that wait (bounded)
/// for background work ran out of time. Tests queue here instead; a lab started inside another lab's body (two
/// instances on one database) runs at once, so a test never waits on itself.
///
/// `LIMS_TEST_LABS` sets the number (default 6).
public actor LabGate {
    public static let shared = LabGate(
        limit: ProcessInfo.processInfo.environment["LIMS_TEST_LABS"].flatMap(Int.init).map { max(1, $0) } ?? 6
    )

    /// Whether the current task already holds a place.
    @TaskLocal static var holding = false

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

    /// Runs `body` holding a place (or the place this task already holds).
    public static func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if holding { return try await body() }
        await shared.enter()
        do {
            let result = try await $holding.withValue(true) { try await body() }
            await shared.leave()
            return result
        } catch {
            await shared.leave()
            throw error
        }
    }
}
