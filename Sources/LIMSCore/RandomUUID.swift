import Foundation

extension UUID {
    /// A random (version 4) UUID from the standard library's system generator (`getrandom(2)`, two calls). Foundation's
    /// `UUID()` on Linux opens, reads and closes `/dev/urandom` for every one: three system calls and a path lookup, six
    /// times per order submitted. Used where ids are made per request.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var words = (generator.next() as UInt64, generator.next() as UInt64)
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { target in
            withUnsafeBytes(of: &words) { target.copyMemory(from: $0) }
        }
        uuid.6 = (uuid.6 & 0x0F) | 0x40   // version 4
        uuid.8 = (uuid.8 & 0x3F) | 0x80   // variant RFC 9562
        return UUID(uuid: uuid)
    }
}
