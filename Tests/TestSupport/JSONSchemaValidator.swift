import Foundation

/// A JSON value as the schema check sees it.
public indirect enum JSONNode: Equatable, Sendable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONNode])
    case object([String: JSONNode])

    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Double.self) { self = .number(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([JSONNode].self) { self = .array(v) }
        else { self = .object(try c.decode([String: JSONNode].self)) }
    }

    /// Parses JSON text.
    public static func parse(_ data: Data) throws -> JSONNode {
        try JSONDecoder().decode(JSONNode.self, from: data)
    }

    /// The member `key` of an object, nil otherwise.
    public subscript(key: String) -> JSONNode? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string, when this is one.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The number, when this is one.
    public var number: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The elements, when this is an array.
    public var array: [JSONNode]? {
        if case .array(let a) = self { return a }
        return nil
    }
}

/// Checks JSON documents against a JSON Schema (draft 2020-12), for the keywords the result schema uses:
/// `type`, `const`, `enum`, `required`, `properties`, `additionalProperties` (boolean), `items`, `oneOf`,
/// `pattern`, `minimum`, `minLength`, `format: date-time`, and `$defs` with local `$ref`s to them
/// (`#/$defs/NAME`). Unknown keywords, and other forms of known
/// ones, anywhere in the schema are a problem reported for every document, so the check can never pass
/// by ignoring part of a schema.
public struct JSONSchemaValidator: Sendable {
    let schema: JSONNode

    /// A validator for the schema in `data`.
    public init(schema data: Data) throws {
        schema = try JSONNode.parse(data)
    }

    /// The problems found in `document`, one line each; empty when it is valid.
    public func problems(in document: Data) throws -> [String] {
        let value = try JSONNode.parse(document)
        var found = Self.schemaProblems(schema, at: "#", root: schema)
        check(value, against: schema, at: "$", problems: &found)
        return found
    }

    private static let known: Set<String> = [
        "$schema", "$id", "title", "description", "type", "const", "enum", "required", "properties",
        "additionalProperties", "items", "oneOf", "pattern", "minimum", "minLength", "format", "$defs", "$ref",
    ]

    /// The schema a local `$ref` (`#/$defs/NAME`) names in `root`, nil when it names none.
    private static func resolve(_ reference: String, in root: JSONNode) -> JSONNode? {
        guard reference.hasPrefix("#/$defs/"), case .object(let rules) = root,
            case .object(let definitions) = rules["$defs"] ?? .null
        else { return nil }
        return definitions[String(reference.dropFirst("#/$defs/".count))]
    }

    /// What in `schema` (and every schema inside it, whether a document reaches it or not) this
    /// checker cannot apply: keywords it does not know, and forms of known ones it does not support.
    private static func schemaProblems(_ schema: JSONNode, at path: String, root: JSONNode) -> [String] {
        guard case .object(let rules) = schema else { return ["\(path): schema is not an object"] }
        var found = rules.keys.sorted().filter { !known.contains($0) }.map { "\(path): unsupported schema keyword \($0)" }
        if let reference = rules["$ref"] {
            if reference.string.flatMap({ resolve($0, in: root) }) == nil {
                found.append("\(path): unsupported $ref \(reference) (only #/$defs/NAME of a definition that exists)")
            }
        }
        if let definitions = rules["$defs"] {
            if path != "#" { found.append("\(path): $defs only at the root") }
            if case .object(let named) = definitions {
                for name in named.keys.sorted() {
                    found += schemaProblems(named[name]!, at: "\(path)/$defs/\(name)", root: root)
                }
            } else {
                found.append("\(path): $defs is not an object")
            }
        }
        if let additional = rules["additionalProperties"], additional != .bool(true), additional != .bool(false) {
            found.append("\(path): unsupported additionalProperties (only true or false)")
        }
        if let format = rules["format"], format != .string("date-time") {
            found.append("\(path): unsupported format \(format)")
        }
        if case .object(let properties) = rules["properties"] ?? .null {
            for name in properties.keys.sorted() {
                found += schemaProblems(properties[name]!, at: "\(path)/properties/\(name)", root: root)
            }
        }
        if let items = rules["items"] {
            found += schemaProblems(items, at: "\(path)/items", root: root)
        }
        for (index, choice) in (rules["oneOf"]?.array ?? []).enumerated() {
            found += schemaProblems(choice, at: "\(path)/oneOf/\(index)", root: root)
        }
        return found
    }

    private func check(_ value: JSONNode, against schema: JSONNode, at path: String, problems: inout [String]) {
        // A schema that is not an object is reported by `schemaProblems`.
        guard case .object(let rules) = schema else { return }
        if let reference = rules["$ref"]?.string, let target = Self.resolve(reference, in: self.schema) {
            check(value, against: target, at: path, problems: &problems)
        }
        if let type = rules["type"] {
            let allowed: [String] = type.array?.compactMap(\.string) ?? [type.string].compactMap { $0 }
            if !allowed.contains(where: { Self.matches(value, type: $0) }) {
                problems.append("\(path): expected \(allowed.joined(separator: " or ")), got \(Self.describe(value))")
                return
            }
        }
        if let constant = rules["const"], constant != value {
            problems.append("\(path): expected constant \(constant)")
        }
        if let options = rules["enum"]?.array, !options.contains(value) {
            problems.append("\(path): \(Self.describe(value)) is not one of the allowed values")
        }
        if case .object(let members) = value {
            for name in rules["required"]?.array?.compactMap(\.string) ?? [] where members[name] == nil {
                problems.append("\(path): missing required \"\(name)\"")
            }
            let properties: [String: JSONNode]
            if case .object(let p) = rules["properties"] ?? .null { properties = p } else { properties = [:] }
            for (name, member) in members {
                if let rule = properties[name] {
                    check(member, against: rule, at: "\(path).\(name)", problems: &problems)
                } else if rules["additionalProperties"] == .bool(false) {
                    problems.append("\(path): unexpected property \"\(name)\"")
                }
            }
        }
        if case .array(let elements) = value, let items = rules["items"] {
            for (index, element) in elements.enumerated() {
                check(element, against: items, at: "\(path)[\(index)]", problems: &problems)
            }
        }
        if let choices = rules["oneOf"]?.array {
            let passing = choices.filter { choice in
                var sub: [String] = []
                check(value, against: choice, at: path, problems: &sub)
                return sub.isEmpty
            }
            if passing.count != 1 {
                problems.append("\(path): matches \(passing.count) of the oneOf choices, not exactly one")
            }
        }
        if case .string(let text) = value {
            if let pattern = rules["pattern"]?.string,
                text.range(of: pattern, options: .regularExpression) == nil
            {
                problems.append("\(path): \"\(text)\" does not match \(pattern)")
            }
            if let minimum = rules["minLength"]?.number, Double(text.count) < minimum {
                problems.append("\(path): shorter than \(Int(minimum))")
            }
            if rules["format"]?.string == "date-time", !Self.isDateTime(text) {
                problems.append("\(path): \"\(text)\" is not an RFC 3339 date-time")
            }
        }
        if case .number(let number) = value, let minimum = rules["minimum"]?.number, number < minimum {
            problems.append("\(path): \(number) is below \(minimum)")
        }
    }

    private static func matches(_ value: JSONNode, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string),
            ("array", .array), ("object", .object):
            return true
        case ("integer", .number(let n)):
            return n.rounded() == n
        default:
            return false
        }
    }

    private static func describe(_ value: JSONNode) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): "boolean \(b)"
        case .number(let n): "number \(n)"
        case .string(let s): "string \"\(s)\""
        case .array: "an array"
        case .object: "an object"
        }
    }

    private static func isDateTime(_ text: String) -> Bool {
        let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#
        return text.range(of: pattern, options: .regularExpression) != nil
    }
}

/// The project's own copy of the result schema (`Sources/DropPipeline/result.schema.json`).
public enum ResultSchema {
    /// The schema file's path in the repository.
    public static var path: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/DropPipeline/result.schema.json").path
    }

    /// A validator for the result schema.
    public static func validator() throws -> JSONSchemaValidator {
        try JSONSchemaValidator(schema: try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
