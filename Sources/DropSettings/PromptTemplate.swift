/// A profile's Video Agent prompt with placeholders: `{name}` (the dropped file's or bundle's name), `{stem}`
/// (the name without its last extension) and `{profile}` (the profile's name). Any other `{word}` is refused
/// when the settings are loaded; braces around anything that is not a word are kept as they are.
public struct PromptTemplate: Sendable, Equatable {
    /// The placeholders a template may use.
    public static let placeholders: [String] = ["name", "stem", "profile"]

    /// The template as written.
    public let text: String

    /// The template `text`.
    /// - Throws: `Unknown` naming the first placeholder that is not one of `placeholders`.
    public init(_ text: String) throws(Unknown) {
        for word in Self.words(in: text) where !Self.placeholders.contains(word) {
            throw Unknown(placeholder: word)
        }
        self.text = text
    }

    /// The prompt for the drop `name` in the profile `profile`.
    public func render(name: String, profile: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), Self.isWord(after[..<close]) {
                switch after[..<close] {
                case "name": result += name
                case "stem": result += Self.stem(of: name)
                case "profile": result += profile
                default: result += rest[open...close]
                }
                rest = after[after.index(after: close)...]
            } else {
                result += "{"
                rest = after
            }
        }
        return result + rest
    }

    /// `name` without its last extension (`report.pdf` → `report`; a name with no dot, or only a leading
    /// one, stays as it is).
    public static func stem(of name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// A placeholder a template may not use.
    public struct Unknown: Error, Sendable, Equatable, CustomStringConvertible {
        /// The word between the braces.
        public var placeholder: String
        public var description: String {
            "the placeholder {\(placeholder)} is unknown; use "
                + PromptTemplate.placeholders.map { "{\($0)}" }.joined(separator: ", ")
        }
    }

    /// The words between braces in `text`.
    private static func words(in text: String) -> [String] {
        var words: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), isWord(after[..<close]) {
                words.append(String(after[..<close]))
                rest = after[after.index(after: close)...]
            } else {
                rest = after
            }
        }
        return words
    }

    private static func isWord(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" else {
            return false
        }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }
}
