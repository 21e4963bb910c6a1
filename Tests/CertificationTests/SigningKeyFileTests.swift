import Foundation
import LIMSCore
import LIMSTestSupport
import Synchronization
import Testing

@testable import Certification

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("The signing key file: private from its first moment, read once at start-up")
struct SigningKeyFileTests {
    /// A fresh folder path under the temporary directory (not created).
    static func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("calibra-key-test-\(UUID().uuidString)")
    }

    static func mode(_ url: URL) -> Int? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return Int(info.st_mode & 0o7777)
    }

    @Test func aNewKeyFileIsNeverReadableByOthersEvenUnderUmaskZero() async throws {
        let base = Self.scratch()
        defer { try? FileManager.default.removeItem(at: base) }
        let folder = base.appendingPathComponent("keys")
        let key = folder.appendingPathComponent("signing-key.pem")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)

        // A watcher on another thread stats the path as fast as it can, from before creation until it has seen the file.
        let seen = Mutex<[Int]>([])
        let started = Atomic<Bool>(false)
        let created = Atomic<Bool>(false)
        let watcher = Task.detached {
            started.store(true, ordering: .sequentiallyConsistent)
            var sightings = 0
            while sightings < 1000 {
                if let mode = Self.mode(key) {
                    seen.withLock { $0.append(mode) }
                    sightings += 1
                } else if created.load(ordering: .sequentiallyConsistent) {
                    sightings += 1  // removed after creation: nothing more to see
                }
            }
        }
        while !started.load(ordering: .sequentiallyConsistent) { await Task.yield() }
        let previous = umask(0)
        let made = Result { try SigningKey.create(at: key) }
        umask(previous)
        created.store(true, ordering: .sequentiallyConsistent)
        await watcher.value
        _ = try made.get()

        let modes = seen.withLock { $0 }
        #expect(!modes.isEmpty)
        #expect(modes.allSatisfy { $0 == 0o600 }, "modes seen: \(Set(modes).map { String($0, radix: 8) })")
        #expect(Self.mode(key) == 0o600)
        #expect(Self.mode(folder) == 0o700)
        #expect(try SigningKey.load(from: key) != nil)
        #expect(throws: SigningKeyError.self) { try SigningKey.create(at: key) }  // never overwritten
    }

    @Test func aKeyFolderOthersMayWriteToIsRefused() throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let key = folder.appendingPathComponent("signing-key.pem")
        for mode in [0o777, 0o770, 0o702] {
            #expect(chmod(folder.path, mode_t(mode)) == 0)
            #expect(throws: SigningKeyError.self) { try SigningKey.create(at: key) }
            #expect(!FileManager.default.fileExists(atPath: key.path))
            #expect(throws: SigningKeyError.self) { try SigningKey.load(from: key) }
        }
        // With a safe folder, a key made there loads; made writable by others afterwards, it is refused.
        #expect(chmod(folder.path, 0o700) == 0)
        try SigningKey.create(at: key)
        #expect(chmod(folder.path, 0o777) == 0)
        do {
            _ = try SigningKey.load(from: key)
            Issue.record("a key in a world-writable folder was loaded")
        } catch let error as SigningKeyError {
            #expect(error.description.contains("chmod 700"))
        }
    }

    @Test func limsKeysInitRefusesAWorldWritableFolder() throws {
        try #require(LIMSChild.binary != nil, "run through scripts/test.sh")
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(chmod(folder.path, 0o777) == 0)
        let (status, message) = try LIMSChild.run(["keys", "init", "--path", folder.appendingPathComponent("signing-key.pem").path])
        #expect(status != 0)
        #expect(message.contains("others may write to it"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("signing-key.pem").path))
    }

    @Test func startUpFailsClearlyOnAnUnusableKeyOrKeyFolder() async throws {
        let base = Self.scratch()
        defer { try? FileManager.default.removeItem(at: base) }
        let invalid = base.appendingPathComponent("invalid/signing-key.pem")
        try KeyFile.prepareFolder(invalid.deletingLastPathComponent())
        try KeyFile.createExclusive(at: invalid, contents: Data("not a key\n".utf8))
        let directory = base.appendingPathComponent("directory/signing-key.pem")
        try KeyFile.prepareFolder(directory.deletingLastPathComponent())
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        let open = base.appendingPathComponent("open/signing-key.pem")
        try FileManager.default.createDirectory(at: open.deletingLastPathComponent(), withIntermediateDirectories: true)
        #expect(chmod(open.deletingLastPathComponent().path, 0o777) == 0)

        for (path, words) in [(invalid, "does not hold"), (directory, "cannot be read"), (open, "others may write")] {
            do {
                _ = try await TestLab.run(customize: { $0.signingKeyPath = path }) { _ in "started" }
                Issue.record("the server started with \(path.path)")
            } catch let error as SigningKeyError {
                #expect(error.description.contains(words), "\(error)")
                #expect(error.description.contains(path.deletingLastPathComponent().path))
            }
        }
    }

    @Test func theServerSignsWithTheKeyItLoadedAtStartUp() async throws {
        try await TestLab.run(signingKey: true) { lab in
            let published = try await lab.api.get("/v1/certificates/public-key").string("publicKey")
            // The file goes away after start-up: signing and the public key still work from memory.
            try FileManager.default.removeItem(at: lab.configuration.signingKeyPath)
            #expect(try await lab.api.get("/v1/certificates/public-key").string("publicKey") == published)
            let flow = try await LabFlow.prepare(lab)
            try await flow.measureSubmitReview()
            let signed = try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token)
            try signed.expect(.created)
            #expect(SigningKey.verify(signatureBase64: try signed.string("signature"), digestHex: try signed.string("digest"), publicKeyBase64: published))
        }
    }

    @Test func aKeyMadeAfterStartUpIsNotUsedUntilRestart() async throws {
        try await TestLab.run { lab in
            #expect(try await lab.api.get("/v1/certificates/public-key").status == .notFound)
            try SigningKey.create(at: lab.configuration.signingKeyPath)
            #expect(try await lab.api.get("/v1/certificates/public-key").status == .notFound)
            let flow = try await LabFlow.prepare(lab)
            try await flow.measureSubmitReview()
            #expect(try await lab.api.post("/v1/jobs/\(flow.jobId)/sign", token: flow.signatory.token).status == .serviceUnavailable)
        }
    }
}
