import Foundation

/// The headers of one part of a `multipart/form-data` body, with its form field name and file name.
struct MultipartPartHeaders: Sendable {
    /// Header fields in order, names lowercased.
    var fields: [(name: String, value: String)] = []

    /// Parses a header block (the lines between a delimiter and the blank line, CRLF-separated).
    init(block: some Collection<UInt8>) {
        let text = String(decoding: block, as: UTF8.self)
        var lines: [String] = []
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)  // folded line
            } else {
                lines.append(String(line))
            }
        }
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields.append((name, value))
        }
    }

    /// The first value of header `name` (case-insensitive).
    func value(_ name: String) -> String? {
        let lowered = name.lowercased()
        return fields.first { $0.name == lowered }?.value
    }

    /// The `name` parameter of `Content-Disposition: form-data`.
    var formName: String? {
        value("content-disposition").map(HeaderParameters.init).flatMap { $0.parameters["name"] }
    }

    /// The file name sent with the part (`filename*` preferred over `filename`), if any.
    var fileName: String? {
        guard let disposition = value("content-disposition").map(HeaderParameters.init) else { return nil }
        if let extended = disposition.parameters["filename*"], let decoded = Self.decodeExtended(extended) {
            return decoded
        }
        return disposition.parameters["filename"]
    }

    /// Decodes an RFC 8187 value such as `UTF-8''na%C3%AFve.png`.
    private static func decodeExtended(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return nil }
        return String(pieces[2]).removingPercentEncoding
    }
}
