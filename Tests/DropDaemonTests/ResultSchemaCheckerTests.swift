import Foundation
import Testing
import TestSupport

/// The JSON Schema checker the end-to-end tests rely on must refuse bad documents, or a result
/// that breaks the schema would pass them unnoticed.
@Suite("Result schema checker")
struct ResultSchemaCheckerTests {
    /// A result document the schema accepts; the tests below break one thing at a time.
    static let validResult = #"""
        {
          "schema_version": 1,
          "job_id": "job_000001",
          "status": "succeeded",
          "source": {"name": "clip.mp4", "kind": "file", "moved_to": "archive/clip.mp4"},
          "assets": [
            {"name": "clip.mp4", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
             "size_bytes": 1024, "mime_type": "video/mp4", "asset_id": "asset_1",
             "url": "https://files.example/asset_1.mp4", "reused": false}
          ],
          "video_agent": {"prompt": "Make a video", "session_id": "s_1", "video_id": "v_1",
                          "status": "completed", "video_url": "https://files.example/v_1.mp4", "duration": 12.5},
          "error": null,
          "attempts": 1,
          "created_at": "2026-01-02T03:04:05Z",
          "finished_at": "2026-01-02T03:04:06.250+01:00",
          "extra_member": "allowed at the top level"
        }
        """#

    /// The valid result with the member at `path` (dot-separated, array indexes as numbers)
    /// replaced by `json`, or removed when `json` is nil.
    static func result(setting path: String, to json: String?) throws -> Data {
        let document = try JSONSerialization.jsonObject(with: Data(validResult.utf8))
        let replacement = try json.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
        let changed = replacing(Array(path.split(separator: ".").map(String.init)), in: document, with: replacement)
        return try JSONSerialization.data(withJSONObject: changed, options: .fragmentsAllowed)
    }

    private static func replacing(_ path: [String], in node: Any, with value: Any?) -> Any {
        guard let key = path.first else { return value as Any }
        let rest = Array(path.dropFirst())
        if var array = node as? [Any], let index = Int(key) {
            array[index] = replacing(rest, in: array[index], with: value)
            return array
        }
        var object = node as! [String: Any]
        if rest.isEmpty, value == nil {
            object[key] = nil
        } else {
            object[key] = replacing(rest, in: object[key] as Any, with: value)
        }
        return object
    }

    static func problems(_ document: Data) throws -> [String] {
        try ResultSchema.validator().problems(in: document)
    }

    static func problems(schema: String, document: String) throws -> [String] {
        try JSONSchemaValidator(schema: Data(schema.utf8)).problems(in: Data(document.utf8))
    }

    @Test("valid results pass: the base document, and a failed one with an error and no video")
    func validResultsPass() throws {
        #expect(try Self.problems(Data(Self.validResult.utf8)) == [])
        let failed = try Self.result(setting: "status", to: #""failed""#)
        let withError = try JSONSerialization.jsonObject(with: failed) as! [String: Any]
        var document = withError
        document["error"] = ["code": "rate_limited", "message": "too many requests", "http_status": 429, "request_id": NSNull()]
        document["video_agent"] = NSNull()
        document["assets"] = [Any]()
        let data = try JSONSerialization.data(withJSONObject: document)
        #expect(try Self.problems(data) == [])
    }

    /// One way to break the valid result, and the problem the checker must report for it.
    struct Breakage: Sendable, CustomTestStringConvertible {
        var path: String
        var json: String?
        var expected: String
        var testDescription: String { json.map { "\(path) = \($0)" } ?? "no \(path)" }
    }

    @Test("a broken result is refused with the problem named", arguments: [
        // missing required members, at the top and nested
        Breakage(path: "job_id", json: nil, expected: #"$: missing required "job_id""#),
        Breakage(path: "source.name", json: nil, expected: #"$.source: missing required "name""#),
        Breakage(path: "assets.0.reused", json: nil, expected: #"$.assets[0]: missing required "reused""#),
        // wrong types
        Breakage(path: "attempts", json: #""3""#, expected: #"$.attempts: expected integer, got string "3""#),
        Breakage(path: "attempts", json: "1.5", expected: "$.attempts: expected integer, got number 1.5"),
        Breakage(path: "assets", json: "{}", expected: "$.assets: expected array, got an object"),
        Breakage(path: "source.moved_to", json: "5", expected: "$.source.moved_to: expected string or null, got number 5"),
        Breakage(path: "assets.0.reused", json: "null", expected: "$.assets[0].reused: expected boolean, got null"),
        // values outside an enum
        Breakage(path: "status", json: #""done""#, expected: #"$.status: string "done" is not one of the allowed values"#),
        Breakage(path: "source.kind", json: #""folder""#, expected: #"$.source.kind: string "folder" is not one of the allowed values"#),
        // pattern, minimum, minLength, format
        Breakage(path: "assets.0.sha256", json: #""ABC""#, expected: #"$.assets[0].sha256: "ABC" does not match"#),
        Breakage(path: "attempts", json: "-1", expected: "$.attempts: -1.0 is below 0.0"),
        Breakage(path: "assets.0.size_bytes", json: "-5", expected: "$.assets[0].size_bytes: -5.0 is below 0.0"),
        Breakage(path: "job_id", json: #""""#, expected: "$.job_id: shorter than 1"),
        Breakage(path: "created_at", json: #""yesterday""#, expected: #"$.created_at: "yesterday" is not an RFC 3339 date-time"#),
        // const
        Breakage(path: "schema_version", json: "2", expected: "$.schema_version: expected constant"),
        Breakage(path: "schema_version", json: #""1""#, expected: "$.schema_version: expected constant"),
        // oneOf matching none of its choices
        Breakage(path: "video_agent", json: #""a video""#, expected: "$.video_agent: matches 0 of the oneOf choices"),
        Breakage(path: "video_agent.prompt", json: nil, expected: "$.video_agent: matches 0 of the oneOf choices"),
        Breakage(path: "error", json: #"{"code": "bogus", "message": "m"}"#, expected: "$.error: matches 0 of the oneOf choices"),
        Breakage(path: "error", json: #"{"code": "rate_limited"}"#, expected: "$.error: matches 0 of the oneOf choices"),
        Breakage(path: "error", json: #"{"code": "rate_limited", "message": ""}"#, expected: "$.error: matches 0 of the oneOf choices"),
    ])
    func brokenResultRefused(_ breakage: Breakage) throws {
        let problems = try Self.problems(Self.result(setting: breakage.path, to: breakage.json))
        #expect(problems.contains { $0.hasPrefix(breakage.expected) }, "problems: \(problems)")
    }

    @Test("every problem of a document is reported, however deep")
    func manyNestedProblems() throws {
        var document = try JSONSerialization.jsonObject(with: Data(Self.validResult.utf8)) as! [String: Any]
        document["status"] = "done"
        document["source"] = ["kind": "file", "moved_to": NSNull()]
        let asset = (document["assets"] as! [[String: Any]])[0]
        var second = asset
        second["size_bytes"] = "big"
        second["sha256"] = "xyz"
        document["assets"] = [asset, second]
        let problems = try Self.problems(JSONSerialization.data(withJSONObject: document))
        #expect(problems.contains { $0.hasPrefix("$.status:") })
        #expect(problems.contains { $0.hasPrefix(#"$.source: missing required "name""#) })
        #expect(problems.contains { $0.hasPrefix("$.assets[1].size_bytes: expected integer or null") })
        #expect(problems.contains { $0.hasPrefix("$.assets[1].sha256:") })
        #expect(problems.count == 4, "problems: \(problems)")
    }

    @Test("a document that is not JSON, or not an object, is refused")
    func notAnObject() throws {
        #expect(throws: (any Error).self) { try Self.problems(Data("{\"status\": ".utf8)) }
        #expect(try Self.problems(Data("[]".utf8)) == ["$: expected object, got an array"])
    }

    @Test("keywords the checker does not know are refused, wherever they are in the schema", arguments: [
        (#"{"type": "object", "maxProperties": 3}"#, "#: unsupported schema keyword maxProperties"),
        (#"{"properties": {"absent": {"type": "string", "maxLength": 2}}}"#,
         "#/properties/absent: unsupported schema keyword maxLength"),
        (#"{"items": {"uniqueItems": true}}"#, "#/items: unsupported schema keyword uniqueItems"),
        (##"{"oneOf": [{"type": "null"}, {"$ref": "#/$defs/x"}]}"##, "#/oneOf/1: unsupported $ref"),
        (##"{"$ref": "https://example.com/other.json"}"##, "#: unsupported $ref"),
        (##"{"items": {"$defs": {"x": {}}}}"##, "#/items: $defs only at the root"),
        (##"{"$defs": {"x": {"maxLength": 1}}}"##, "#/$defs/x: unsupported schema keyword maxLength"),
        (#"{"additionalProperties": {"type": "string"}}"#, "#: unsupported additionalProperties"),
        (#"{"properties": {"mail": {"type": "string", "format": "email"}}}"#, "#/properties/mail: unsupported format"),
        (#"{"properties": {"anything": true}}"#, "#/properties/anything: schema is not an object"),
    ])
    func unknownKeywordRefused(_ schema: String, _ expected: String) throws {
        let problems = try Self.problems(schema: schema, document: "{}")
        #expect(problems.contains { $0.hasPrefix(expected) }, "problems: \(problems)")
    }

    @Test("additionalProperties false refuses members the schema does not name")
    func closedObject() throws {
        let schema = #"{"type": "object", "additionalProperties": false, "properties": {"a": {"type": "integer"}}}"#
        #expect(try Self.problems(schema: schema, document: #"{"a": 1}"#) == [])
        #expect(try Self.problems(schema: schema, document: #"{"a": 1, "b": 2}"#) == [#"$: unexpected property "b""#])
    }

    @Test("a local $ref checks the value against the definition it names")
    func localReference() throws {
        let schema = ##"{"type": "array", "items": {"$ref": "#/$defs/n"}, "$defs": {"n": {"type": "integer", "minimum": 1}}}"##
        #expect(try Self.problems(schema: schema, document: "[1, 2]") == [])
        #expect(try Self.problems(schema: schema, document: #"[1, 0, "x"]"#) == [
            "$[1]: 0.0 is below 1.0", #"$[2]: expected integer, got string "x""#,
        ])
    }

    @Test("oneOf refuses a value that matches more than one choice")
    func oneOfTwoMatches() throws {
        let schema = #"{"oneOf": [{"type": "number"}, {"type": "integer"}]}"#
        #expect(try Self.problems(schema: schema, document: "1.5") == [])
        #expect(try Self.problems(schema: schema, document: "2") == ["$: matches 2 of the oneOf choices, not exactly one"])
    }
}
