/// One linear pass over a JSON body before anything decodes it: refuses nesting deeper than
/// `InputRules.maxDepth` and names every string that breaks `InputRules` by its JSON path
/// (`items[0].instrument.serialNumber`), the way `Validator` names fields.
///
/// It is not a validating parser: on malformed JSON it stops and reports what it found so far, leaving the
/// 400 to the decoder. Cost is one look at each byte, with no allocation but for object keys.
public enum JSONBodyScan {
    public enum Outcome: Equatable, Sendable {
        case fine
        /// Nesting deeper than `InputRules.maxDepth`.
        case tooDeep
        case issues([FieldIssue])
    }

    /// At most this many issues are reported for one body.
    static let maxIssues = 50

    private enum Frame {
        case object(key: String?, expectingKey: Bool)
        case array(index: Int)
    }

    public static func scan(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        var stack: [Frame] = []
        var issues: [FieldIssue] = []
        var index = 0
        let count = bytes.count
        while index < count {
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard stack.count < InputRules.maxDepth else { return .tooDeep }
                stack.append(bytes[index] == UInt8(ascii: "{") ? .object(key: nil, expectingKey: true) : .array(index: 0))
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard stack.popLast() != nil else { return finish(issues) }
                index += 1
            case UInt8(ascii: ","):
                switch stack.last {
                case .object(let key, _): stack[stack.count - 1] = .object(key: key, expectingKey: true)
                case .array(let position): stack[stack.count - 1] = .array(index: position + 1)
                case nil: return finish(issues)
                }
                index += 1
            case UInt8(ascii: "\""):
                let isKey: Bool
                if case .object(_, true) = stack.last { isKey = true } else { isKey = false }
                guard let string = readString(bytes, from: index + 1, decodingKey: isKey) else { return finish(issues) }
                index = string.end
                if isKey {
                    stack[stack.count - 1] = .object(key: string.key, expectingKey: false)
                    if let problem = string.problem { issues.append(FieldIssue(field: path(stack), message: "name \(problem)")) }
                } else if let problem = string.problem {
                    issues.append(FieldIssue(field: path(stack), message: problem))
                }
                if issues.count >= maxIssues { return .issues(issues) }
            default:
                index += 1
            }
        }
        return finish(issues)
    }

    private static func finish(_ issues: [FieldIssue]) -> Outcome {
        issues.isEmpty ? .fine : .issues(issues)
    }

    /// The JSON path of the innermost value, as validation errors write it.
    private static func path(_ stack: [Frame]) -> String {
        var result = ""
        for frame in stack {
            switch frame {
            case .object(let key?, _): result += result.isEmpty ? key : ".\(key)"
            case .object(nil, _): break
            case .array(let position): result += "[\(position)]"
            }
        }
        return result.isEmpty ? "body" : result
    }

    /// Reads a string whose opening quote is just before `start`: where it ends (after the closing quote),
    /// the first rule it breaks, and for object keys the decoded text. `nil` when the body ends inside it.
    private static func readString(
        _ bytes: UnsafeRawBufferPointer, from start: Int, decodingKey: Bool
    ) -> (end: Int, problem: String?, key: String?)? {
        var index = start
        var problem: String?
        var scalars = 0
        var key: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                if problem == nil, scalars > InputRules.maxStringLength {
                    problem = "must be at most \(InputRules.maxStringLength) characters"
                }
                return (index + 1, problem, decodingKey ? String(decoding: key, as: UTF8.self) : nil)
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { return nil }
                let escaped = bytes[index + 1]
                var scalar: Unicode.Scalar
                if escaped == UInt8(ascii: "u") {
                    guard index + 5 < bytes.count, let value = hex4(bytes, at: index + 2) else { return nil }
                    scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
                    index += 6
                } else {
                    scalar = Unicode.Scalar(unescape(escaped))
                    index += 2
                }
                if problem == nil { problem = InputRules.bodyViolation(scalar) }
                if decodingKey { key.append(contentsOf: String(scalar).utf8) }
                scalars += 1
            default:
                if byte < 0x80, problem == nil { problem = InputRules.bodyViolation(Unicode.Scalar(byte)) }
                // C1 controls (U+0080 to U+009F) are 0xC2 0x80 to 0xC2 0x9F in UTF-8.
                if byte == 0xC2, problem == nil, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) {
                    problem = "must not contain control characters"
                }
                if byte & 0xC0 != 0x80 { scalars += 1 }
                if decodingKey { key.append(byte) }
                index += 1
            }
        }
        return nil
    }

    private static func unescape(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        default: byte
        }
    }

    private static func hex4(_ bytes: UnsafeRawBufferPointer, at start: Int) -> UInt32? {
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[start + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
