import Foundation
import HeyGenAPI

/// What a sidecar asks for: the Video Agent prompt and any other fields, passed to the API as given.
public struct VideoRequestSpec: Sendable, Equatable, Codable {
    /// The prompt, 1 to 10,000 characters.
    public var prompt: String
    /// Other Video Agent fields from an `agent.json` (avatar_id, orientation, ...), unchanged.
    public var extraFields: [String: JSONValue]

    /// The API's longest prompt, in characters.
    public static let maxPromptCharacters = 10_000

    /// Creates a request description.
    public init(prompt: String, extraFields: [String: JSONValue] = [:]) {
        self.prompt = prompt
        self.extraFields = extraFields
    }

    /// Reads a `.prompt` / `prompt.txt` file's bytes; `label` names the file in error messages.
    public static func fromPromptText(_ data: Data, label: String) throws -> VideoRequestSpec {
        guard let text = String(validatingUTF8Data: data) else {
            throw LocalProblem(.invalidSidecar, "\(label) is not UTF-8 text")
        }
        return VideoRequestSpec(prompt: try validPrompt(text, label: label))
    }

    /// Reads an `.agent.json` / `agent.json` file's bytes; `label` names the file in error messages.
    public static func fromAgentJSON(_ data: Data, label: String) throws -> VideoRequestSpec {
        guard String(validatingUTF8Data: data) != nil else {
            throw LocalProblem(.invalidSidecar, "\(label) is not UTF-8 text")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw LocalProblem(.invalidSidecar, "\(label) is not valid JSON")
        }
        guard var fields = value.objectValue else {
            throw LocalProblem(.invalidSidecar, "\(label) must hold a JSON object with a \"prompt\"")
        }
        guard let promptValue = fields.removeValue(forKey: "prompt") else {
            throw LocalProblem(.invalidSidecar, "\(label) has no \"prompt\"")
        }
        guard let prompt = promptValue.stringValue else {
            throw LocalProblem(.invalidSidecar, "\(label): \"prompt\" must be a string")
        }
        // The daemon sets the files itself, from what it uploaded.
        fields.removeValue(forKey: "files")
        return VideoRequestSpec(prompt: try validPrompt(prompt, label: label), extraFields: fields)
    }

    private static func validPrompt(_ text: String, label: String) throws -> String {
        let prompt = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if prompt.isEmpty {
            throw LocalProblem(.invalidSidecar, "\(label): the prompt is empty")
        }
        let length = prompt.unicodeScalars.count
        if length > maxPromptCharacters {
            throw LocalProblem(
                .invalidSidecar, "\(label): the prompt has \(length) characters; at most \(maxPromptCharacters) are allowed")
        }
        return prompt
    }
}

extension String {
    /// The text of `data` when it is valid UTF-8, else nil (no replacement characters).
    package init?(validatingUTF8Data data: Data) {
        var iterator = data.makeIterator()
        var scalars = String.UnicodeScalarView()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: self = String(scalars); return
            case .error: return nil
            }
        }
    }
}
