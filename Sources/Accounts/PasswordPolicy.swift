import Foundation
import LIMSCore

/// The lab's password rules, one function for every place a password is set (user creation, `lims user create`,
/// password change): at least 12 characters, not only whitespace, not the email nor its local part, not a common
/// password (the list in `Resources/common-passwords.txt`, compared case-insensitively), at most 72 UTF-8 bytes.
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 12
    /// bcrypt ignores everything past 72 bytes, so a longer password would be silently shortened.
    public static let maximumBytes = 72
    public static let fileName = "common-passwords.txt"

    let commonPasswords: Set<String>

    /// Loads the common-password list from `resourcesDirectory`; start-up fails when it is missing or empty.
    public init(resourcesDirectory: URL) throws {
        let url = resourcesDirectory.appendingPathComponent(Self.fileName)
        let text = try String(contentsOf: url, encoding: .utf8)
        let words = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
        guard !words.isEmpty else { throw PolicyError.emptyList(url.path) }
        self.init(commonPasswords: words)
    }

    /// A policy with an explicit list (tests).
    public init(commonPasswords: [String]) {
        self.commonPasswords = Set(commonPasswords.map { $0.lowercased() })
    }

    enum PolicyError: Error, CustomStringConvertible {
        case emptyList(String)
        var description: String {
            switch self {
            case .emptyList(let path): "The common-password list \(path) is empty."
            }
        }
    }

    /// Every rule `password` breaks, as validation issues at `field` (empty when it is acceptable).
    public func issues(_ password: String?, email: String, field: String) -> [FieldIssue] {
        guard let password, !password.isEmpty else { return [FieldIssue(field: field, message: "is required")] }
        var issues: [String] = []
        // Each Unicode code point counts as one character (NIST SP 800-63B §5.1.1.2), as JSON Schema's minLength counts.
        if password.unicodeScalars.count < Self.minimumLength { issues.append("must be at least \(Self.minimumLength) characters") }
        if password.utf8.count > Self.maximumBytes { issues.append("must be at most \(Self.maximumBytes) bytes in UTF-8 (bcrypt's limit)") }
        if password.allSatisfy({ $0.isWhitespace }) { issues.append("must not be only whitespace") }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            issues.append("must not contain control characters")
        }
        let lowered = password.lowercased()
        let email = SignInThrottle.normalise(email: email)
        let localPart = email.split(separator: "@", maxSplits: 1).first.map(String.init) ?? ""
        if !email.isEmpty, lowered == email || lowered == localPart {
            issues.append("must not be the email address or its local part")
        }
        if commonPasswords.contains(lowered) || commonPasswords.contains(lowered.trimmingCharacters(in: .whitespaces)) {
            issues.append("is a commonly used password")
        }
        return issues.map { FieldIssue(field: field, message: $0) }
    }
}
