import Foundation
import HeyGenAPI
#if canImport(Glibc)
import Glibc
#endif

/// Keeps the API key where it belongs: out of the process environment once read, and off plain HTTP.
public enum APIKeyGuard {
    /// Removes `HEYGEN_API_KEY` from the process environment and overwrites its bytes in the memory the
    /// environment was handed in, so neither child processes nor `/proc/PID/environ` carry the key.
    /// Call it once the settings were read, before any other task runs; safe to call when the variable is unset.
    public static func scrubEnvironment(_ name: String = "HEYGEN_API_KEY") {
        let prefix = Array((name + "=").utf8)
        var entries: [UnsafeMutablePointer<CChar>] = []
        var cursor: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = environ
        while let entry = cursor.pointee {
            let matches = prefix.indices.allSatisfy { UInt8(bitPattern: entry[$0]) == prefix[$0] }
            if matches { entries.append(entry) }
            cursor += 1
        }
        unsetenv(name)
        // The strings handed in at exec stay in place after unsetenv (they are what /proc/PID/environ shows):
        // overwrite the value with zeros, keeping the name.
        for entry in entries {
            let length = strlen(entry)
            if length > prefix.count {
                memset(entry + prefix.count, 0, length - prefix.count)
            }
        }
    }

    /// Refuses an `http://` base URL unless its host is loopback (`127.0.0.0/8`, `::1`, `localhost`): over
    /// plain HTTP every request would carry the key in clear across the network.
    public static func checkTransport(baseURL: String) throws(SettingsError) {
        guard let url = URL(string: baseURL), url.scheme?.lowercased() == "http" else { return }
        let host = url.host ?? ""
        guard !LoopbackHost.isLoopback(host) else { return }
        throw .invalidValue(
            key: "api_base_url", value: baseURL, origin: "settings",
            requirement: "plain http:// would send the API key in clear; use https://, or http:// only to a loopback host (127.0.0.1, ::1, localhost)")
    }
}
