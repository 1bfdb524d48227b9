/// A header value of the form `type; key=value; key="quoted value"` (Content-Type, Content-Disposition).
struct HeaderParameters: Sendable {
    /// The part before the first `;`, lowercased and trimmed (e.g. `multipart/form-data`).
    var value: String
    /// The parameters, keys lowercased, quoted values unquoted and unescaped.
    var parameters: [String: String] = [:]

    /// Parses `header`; malformed parameters are skipped, never fatal.
    init(_ header: String) {
        let chars = Array(header.unicodeScalars)
        var index = 0
        var head = ""
        while index < chars.count, chars[index] != ";" {
            head.unicodeScalars.append(chars[index])
            index += 1
        }
        value = head.trimmingWhitespace().lowercased()
        while index < chars.count {
            index += 1  // skip ";"
            while index < chars.count, chars[index] == " " || chars[index] == "\t" { index += 1 }
            var key = ""
            while index < chars.count, chars[index] != "=", chars[index] != ";" {
                key.unicodeScalars.append(chars[index])
                index += 1
            }
            guard index < chars.count, chars[index] == "=" else { continue }
            index += 1
            var parameterValue = ""
            if index < chars.count, chars[index] == "\"" {
                index += 1
                while index < chars.count, chars[index] != "\"" {
                    if chars[index] == "\\", index + 1 < chars.count { index += 1 }
                    parameterValue.unicodeScalars.append(chars[index])
                    index += 1
                }
                index += 1  // closing quote
                while index < chars.count, chars[index] != ";" { index += 1 }
            } else {
                while index < chars.count, chars[index] != ";" {
                    parameterValue.unicodeScalars.append(chars[index])
                    index += 1
                }
                parameterValue = parameterValue.trimmingWhitespace()
            }
            let trimmedKey = key.trimmingWhitespace().lowercased()
            if !trimmedKey.isEmpty, parameters[trimmedKey] == nil {
                parameters[trimmedKey] = parameterValue
            }
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
