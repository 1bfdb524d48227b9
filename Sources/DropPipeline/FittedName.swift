import Crypto
import Foundation

/// File names derived from a source's name that still fit the file system's limit (`NAME_MAX`, 255 bytes).
///
/// A derived name is `prefix + name + suffix` when that fits. Otherwise `name` is shortened to its longest
/// start that fits (cut between UTF-8 characters) followed by `~` and the first 8 hex digits of the SHA-256
/// of the whole `name`: `prefix + start + "~" + hash8 + suffix`. The mapping depends only on its inputs, so
/// anyone can find the file again (the README states it next to the outbox).
public enum FittedName {
    /// The most bytes in one file name.
    public static let maxBytes = 255

    /// `prefix + name + suffix`, shortened as described above when it is longer than `maxBytes` bytes
    /// (`prefix` and `suffix` are kept whole; they must leave room for the 9-byte hash tag).
    public static func fit(_ name: String, prefix: String = "", suffix: String) -> String {
        let whole = prefix + name + suffix
        if whole.utf8.count <= maxBytes { return whole }
        let tag = "~" + hash8(name)
        let room = maxBytes - prefix.utf8.count - tag.utf8.count - suffix.utf8.count
        return prefix + utf8Prefix(name, maxBytes: max(0, room)) + tag + suffix
    }

    /// The result file's name for a source name: `NAME.json`, or `PREFIX~HASH.json` when that is too long.
    public static func result(for name: String) -> String {
        fit(name, suffix: ".json")
    }

    /// The name with suffix `n` before its last extension (`report.pdf` → `report-2.pdf`, bundle `launch` →
    /// `launch-2`), leaving `reserve` bytes free for the longest companion's ending; shortened with the hash
    /// as described above when it would not fit.
    public static func suffixed(_ name: String, _ n: Int, isDirectory: Bool, reserve: Int = 0) -> String {
        var stem = name
        var ending = "-\(n)"
        if !isDirectory, let dot = name.lastIndex(of: "."), dot != name.startIndex {
            stem = String(name[..<dot])
            ending += String(name[dot...])
        }
        let plain = stem + ending
        if plain.utf8.count + max(0, reserve) <= maxBytes { return plain }
        // The hash is of the whole name, so two long names sharing a start still differ.
        let tag = "~" + hash8(name)
        let room = maxBytes - max(0, reserve) - tag.utf8.count - ending.utf8.count
        return utf8Prefix(stem, maxBytes: max(0, room)) + tag + ending
    }

    /// The first 8 hex digits of the SHA-256 of `name`'s UTF-8 bytes.
    static func hash8(_ name: String) -> String {
        SHA256.hash(data: Data(name.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// The longest start of `text` of at most `maxBytes` UTF-8 bytes that ends between characters
    /// (between Unicode scalars: a multi-byte sequence is never split).
    static func utf8Prefix(_ text: String, maxBytes: Int) -> String {
        var result = String.UnicodeScalarView()
        var used = 0
        for scalar in text.unicodeScalars {
            let length = String(scalar).utf8.count
            if used + length > maxBytes { break }
            used += length
            result.append(scalar)
        }
        return String(result)
    }
}
