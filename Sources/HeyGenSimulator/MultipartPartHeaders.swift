import Foundation

/// The headers of one part of a `multipart/form-data` body, with its form field name and file name.
struct MultipartPartHeaders: Sendable {
    /// Header fields in order, names lowercased.
    var fields: [(name: String, value: String)]

    /// The fields `(name, value)` in the order they came; names are lowercased here.
    init(fields: [(name: String, value: String)]) {
        self.fields = fields.map { ($0.name.lowercased(), $0.value) }
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
