extension MediaType {
    /// Whether `prefix` begins like a SubRip (`.srt`) subtitle file: an optional UTF-8 byte order mark, optional
    /// blank lines, a cue number (1–9 ASCII digits, trailing spaces allowed), a line break (`\n` or `\r\n`), then a
    /// timing line `HH:MM:SS,mmm --> HH:MM:SS,mmm` (hours of 1–3 digits, spaces around the arrow allowed).
    ///
    /// Only the bytes given are looked at; the whole timing line must be among them.
    public static func isSubRip(_ prefix: some Collection<UInt8>) -> Bool {
        var cursor = SubRipCursor(Array(prefix))
        cursor.skip([0xEF, 0xBB, 0xBF])
        while cursor.skipLineBreak() {}
        guard (1...9).contains(cursor.digits()) else { return false }
        cursor.skipSpaces()
        guard cursor.skipLineBreak() else { return false }
        guard cursor.timestamp() else { return false }
        cursor.skipSpaces()
        guard cursor.skip(Array("-->".utf8)) else { return false }
        cursor.skipSpaces()
        return cursor.timestamp()
    }
}

/// A position in the leading bytes of a possible SubRip file, with the small matchers its grammar needs.
private struct SubRipCursor {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Consumes `literal` when the bytes continue with it.
    @discardableResult
    mutating func skip(_ literal: [UInt8]) -> Bool {
        guard bytes.count - index >= literal.count, Array(bytes[index..<index + literal.count]) == literal else { return false }
        index += literal.count
        return true
    }

    /// Consumes one `\n` or `\r\n`.
    mutating func skipLineBreak() -> Bool {
        skip([0x0D, 0x0A]) || skip([0x0A])
    }

    /// Consumes spaces and tabs.
    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    }

    /// Consumes ASCII digits and says how many there were.
    mutating func digits() -> Int {
        let start = index
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
        return index - start
    }

    /// Consumes exactly `count` digits.
    mutating func digits(exactly count: Int) -> Bool {
        let start = index
        let found = digits()
        if found != count { index = start }
        return found == count
    }

    /// Consumes `H:MM:SS,mmm` with 1–3 hour digits, minutes and seconds below 60.
    mutating func timestamp() -> Bool {
        guard (1...3).contains(digits()), skip([0x3A]) else { return false }
        let minutes = index
        guard digits(exactly: 2), bytes[minutes] < 0x36, skip([0x3A]) else { return false }
        let seconds = index
        guard digits(exactly: 2), bytes[seconds] < 0x36, skip([0x2C]) else { return false }
        return digits(exactly: 3)
    }
}
