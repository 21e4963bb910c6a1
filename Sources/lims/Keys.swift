import ArgumentParser
import Certification
import Foundation
import LIMSServer
import Webhooks

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage the lab's certificate signing key.", subcommands: [Init.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the lab's Ed25519 signing key and its webhook key (kept outside the database; never overwritten)."
        )

        @Option(help: "Key file (default: .lims/keys/signing-key.pem, or LIMS_SIGNING_KEY).")
        var path: String?

        func run() throws {
            let url = path.map { URL(fileURLWithPath: $0) } ?? SigningKeyLocation.default()
            // The webhook key (sealing endpoint secrets) lives beside the signing key; each is made only when missing,
            // so an existing lab gets its webhook key from the same command.
            let webhookKey = WebhookKey.path(besideSigningKey: url)
            var made = false
            do {
                if FileManager.default.fileExists(atPath: url.path) {
                    print("The signing key at \(url.path) exists; it is never overwritten.")
                } else {
                    let key = try SigningKey.create(at: url)
                    print("Created the signing key at \(url.path) (mode 0600).")
                    print("Public key (Ed25519, base64): \(key.publicKeyBase64)")
                    made = true
                }
                if try WebhookKey.load(from: webhookKey) == nil {
                    try WebhookKey.create(at: webhookKey)
                    print("Created the webhook key at \(webhookKey.path) (mode 0600): it seals webhook endpoint secrets; back it up with the signing key.")
                    made = true
                }
            } catch let error as SigningKeyError {
                throw ValidationError(error.description)
            } catch let error as WebhookKeyError {
                throw ValidationError(error.description)
            }
            if !made { throw ValidationError("A signing key already exists at \(url.path); it is never overwritten.") }
        }
    }
}

enum SigningKeyLocation {
    static func `default`() -> URL {
        if let path = ProcessInfo.processInfo.environment["LIMS_SIGNING_KEY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return ProjectRoot.locate().appendingPathComponent(".lims/keys/signing-key.pem")
    }
}
