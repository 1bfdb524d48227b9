/// A readable, reversible rendering of a file name that is not valid UTF-8: the valid parts as they are,
/// each byte that is not part of valid UTF-8 as `\xHH` (two upper-case hex digits), and a backslash as
/// `\x5C` so that every `\x` in a rendering is an escape. `bytes(of:)` gives the name back exactly.
///
/// The daemon shows such names this way in logs, results and job listings, and names their result files
/// and their place in failed/ after it; the raw bytes are only ever used to reach the entry itself.
public enum NameRendering {
    /// The rendering of `raw` (for a valid UTF-8 name without a backslash, the name itself).
    public static func render(_ raw: [UInt8]) -> String {
        var text = ""
        var index = 0
        while index < raw.count {
            let lead = raw[index]
            let length: Int =
                switch lead {
                case 0x00...0x7F: 1
                case 0xC2...0xDF: 2
                case 0xE0...0xEF: 3
                case 0xF0...0xF4: 4
                default: 0
                }
            if length > 0, index + length <= raw.count,
                let scalar = String(validating: raw[index..<index + length], as: UTF8.self)
            {
                text += scalar == "\\" ? "\\x5C" : scalar
                index += length
            } else {
                text += "\\x" + hex(lead)
                index += 1
            }
        }
        return text
    }

    /// The raw name a rendering stands for (the inverse of `render`).
    public static func bytes(of rendering: String) -> [UInt8] {
        let utf8 = Array(rendering.utf8)
        var raw: [UInt8] = []
        raw.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count, utf8[index + 1] == UInt8(ascii: "x"),
                let high = hexValue(utf8[index + 2]), let low = hexValue(utf8[index + 3])
            {
                raw.append(high << 4 | low)
                index += 4
            } else {
                raw.append(utf8[index])
                index += 1
            }
        }
        return raw
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
