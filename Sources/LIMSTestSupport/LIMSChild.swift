import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A `lims` child process: the binary `scripts/test.sh` built (LIMS_TEST_LIMS_BINARY), run from the project folder
/// (LIMS_ROOT) with this process's environment plus `environment`. Its output goes to a file, never a pipe: a database
/// server or anything else it leaves running must not hold open a pipe that a test, or CI, would wait on.
public final class LIMSChild: @unchecked Sendable {
    /// LIMS_TEST_LIMS_BINARY, when the tests run through scripts/test.sh; tests that need the binary are enabled on it.
    public static let binary: String? = ProcessInfo.processInfo.environment["LIMS_TEST_LIMS_BINARY"].flatMap { $0.isEmpty ? nil : $0 }

    public let process = Process()
    /// Where its standard output and error go.
    public let log: URL
    private let logHandle: FileHandle

    /// Starts `lims arguments`; `input`, when given, is written to its standard input, which is then closed.
    public init(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws {
        guard let binary = Self.binary else { throw TestFailure("LIMS_TEST_LIMS_BINARY is not set: run the tests through scripts/test.sh") }
        log = FileManager.default.temporaryDirectory.appendingPathComponent("calibra-lims-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        logHandle = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged["LIMS_ROOT"] = TestDatabase.projectRoot.path
        merged.merge(environment) { _, new in new }
        process.environment = merged
        process.standardOutput = logHandle
        process.standardError = logHandle
        let stdin = input.map { _ in Pipe() }
        if let stdin { process.standardInput = stdin } else { process.standardInput = FileHandle.nullDevice }
        try process.run()
        if let stdin, let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
    }

    deinit {
        try? logHandle.close()
        try? FileManager.default.removeItem(at: log)
    }

    public var pid: Int32 { process.processIdentifier }

    /// Everything it has printed so far.
    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits for it to end; its exit status.
    @discardableResult
    public func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Ends it at once (SIGKILL), as a crash or a pulled plug would, and waits for it.
    public func kill() {
        if process.isRunning { Glibc.kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// Asks it to stop (SIGTERM), as an operator or a service manager would, and waits for it.
    public func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// Polls `GET /health` on 127.0.0.1:`port` (with curl, as the README's set-up does) until it answers 200, for up to
    /// 30 s or until the process ends; whether it answered.
    public func waitUntilHealthy(port: Int) async -> Bool {
        for _ in 0..<150 where process.isRunning {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = ["-fsS", "-o", "/dev/null", "--max-time", "2", "http://127.0.0.1:\(port)/health"]
            curl.standardOutput = FileHandle.nullDevice
            curl.standardError = FileHandle.nullDevice
            if (try? curl.run()) != nil {
                curl.waitUntilExit()
                if curl.terminationStatus == 0 { return true }
            }
            try? await Task.sleep(for: .milliseconds(200))   // polling for the server to come up, not hiding a race
        }
        return false
    }

    /// Asks it to stop (SIGTERM) and gives it `limit` to do so; past that it is killed (SIGKILL). Whether it stopped by
    /// itself in time.
    public func stop(within limit: Duration) async -> Bool {
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))   // polling for the exit, not hiding a race
        }
        let stopped = !process.isRunning
        kill()
        return stopped
    }

    /// Runs `lims arguments` to its end: its exit status and everything it printed.
    public static func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws -> (status: Int32, output: String) {
        let child = try LIMSChild(arguments, environment: environment, input: input)
        let status = child.wait()
        return (status, child.output)
    }

    /// Runs `lims arguments` to its end and returns what it printed, trimmed; throws with the output when it fails.
    public static func succeed(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let (status, output) = try run(arguments, environment: environment)
        guard status == 0 else { throw TestFailure("lims \(arguments.joined(separator: " ")) failed (\(status)): \(output)") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A failed step of a test's own setup, with what went wrong.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
