import ArgumentParser
import Certification
import Foundation
import LIMSServer

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage the lab's certificate signing key.", subcommands: [Init.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the lab's Ed25519 signing key (kept outside the database; never overwritten)."
        )

        @Option(help: "Key file (default: .lims/keys/signing-key.pem, or LIMS_SIGNING_KEY).")
        var path: String?

        func run() throws {
            let url = path.map { URL(fileURLWithPath: $0) } ?? SigningKeyLocation.default()
            do {
                let key = try SigningKey.create(at: url)
                print("Created the signing key at \(url.path) (mode 0600).")
                print("Public key (Ed25519, base64): \(key.publicKeyBase64)")
            } catch let error as SigningKeyError {
                throw ValidationError(error.description)
            }
        }
    }
}

enum SigningKeyLocation {
    static func `default`() -> URL {
        if let path = ProcessInfo.processInfo.environment["LIMS_SIGNING_KEY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return ProjectRoot.locate().appendingPathComponent(".lims/keys/signing-key.pem")
    }
}
