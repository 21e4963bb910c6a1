import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Files holding secret keys (the signing key, and any later one): written once with mode 0600 from the moment they
/// exist (`open` with `O_CREAT | O_EXCL` and mode 0600, whatever the umask; no temporary file, no later `chmod`),
/// inside a folder private to the server's user. A folder that group or others may write to is refused, since
/// anyone who can write there can swap the key.
public enum KeyFile {
    /// The key folder: created with mode 0700 when missing (its parents as usual), refused when others may write to it.
    public static func prepareFolder(_ folder: URL) throws {
        if try mode(of: folder) == nil {
            try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
            if mkdir(folder.path, 0o700) != 0, errno != EEXIST {
                throw SigningKeyError.cannotCreate(folder.path, reason: String(cString: strerror(errno)))
            }
        }
        try checkFolder(folder)
    }

    /// Refuses an existing folder that group or others may write to; a missing folder is fine (no key in it).
    public static func checkFolder(_ folder: URL) throws {
        guard let mode = try mode(of: folder) else { return }
        if mode & 0o022 != 0 { throw SigningKeyError.unsafeFolder(folder.path, mode: mode & 0o7777) }
    }

    /// Creates `url` with mode 0600 and `contents`, flushed to disk; fails if anything is already there.
    public static func createExclusive(at url: URL, contents: Data) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(0o600))
        guard descriptor >= 0 else {
            if errno == EEXIST { throw SigningKeyError.exists(url.path) }
            throw SigningKeyError.cannotCreate(url.path, reason: String(cString: strerror(errno)))
        }
        var failure: String?
        contents.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if let failure {
            unlink(url.path)
            throw SigningKeyError.cannotCreate(url.path, reason: failure)
        }
        // Make the new name itself durable.
        let folder = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    /// The file's bytes, nil when there is no file; an error naming the cause when it exists but cannot be read.
    public static func contents(of url: URL) throws -> Data? {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw SigningKeyError.unreadable(url.path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SigningKeyError.unreadable(url.path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { return data }
            data.append(contentsOf: chunk[0..<count])
            if data.count > 64 * 1024 { throw SigningKeyError.invalid(url.path) }
        }
    }

    /// Permission bits of an existing folder, nil when there is none; an error when the path is not a folder.
    static func mode(of folder: URL) throws -> Int? {
        var info = stat()
        guard stat(folder.path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw SigningKeyError.cannotCreate(folder.path, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw SigningKeyError.cannotCreate(folder.path, reason: "not a folder") }
        return Int(info.st_mode & 0o7777)
    }
}
