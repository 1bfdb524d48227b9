import Foundation
import HeyGenAPI

/// What a `NAME.translate.json` sidecar asks for: the output languages and any other translation fields,
/// passed to `POST /v3/video-translations` as given.
public struct TranslationRequestSpec: Sendable, Equatable, Codable {
    /// The output languages as the API names them (`Spanish (Spain)`), in order, without repeats.
    public var outputLanguages: [String]
    /// Other fields (`title`, `mode`, `enable_caption`, ...), unchanged; `video` is the daemon's to set.
    public var extraFields: [String: JSONValue]

    /// The most output languages one sidecar may ask for.
    public static let maxLanguages = 50
    /// The longest language name accepted, in characters.
    public static let maxLanguageCharacters = 100

    /// Creates a request description.
    public init(outputLanguages: [String], extraFields: [String: JSONValue] = [:]) {
        self.outputLanguages = outputLanguages
        self.extraFields = extraFields
    }

    /// Reads a `.translate.json` file's bytes; `label` names the file in error messages. Refuses (as
    /// `invalid_sidecar`) text that is not UTF-8 JSON holding an object, and an `output_languages` that is
    /// missing, not a list of non-empty strings, empty, or longer than `maxLanguages`.
    public static func fromJSON(_ data: Data, label: String) throws -> TranslationRequestSpec {
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
            throw LocalProblem(.invalidSidecar, "\(label) must hold a JSON object with \"output_languages\"")
        }
        guard let listed = fields.removeValue(forKey: "output_languages") else {
            throw LocalProblem(.invalidSidecar, "\(label) has no \"output_languages\"")
        }
        guard case .array(let items) = listed else {
            throw LocalProblem(.invalidSidecar, "\(label): \"output_languages\" must be a list of language names")
        }
        var languages: [String] = []
        for item in items {
            guard let name = item.stringValue?.trimmingCharacters(in: .whitespaces), !name.isEmpty,
                name.count <= maxLanguageCharacters
            else {
                throw LocalProblem(.invalidSidecar, "\(label): every entry of \"output_languages\" must be a language name")
            }
            if !languages.contains(name) { languages.append(name) }
        }
        if languages.isEmpty {
            throw LocalProblem(.invalidSidecar, "\(label): \"output_languages\" is empty; name at least one language")
        }
        if languages.count > maxLanguages {
            throw LocalProblem(.invalidSidecar, "\(label) asks for \(languages.count) languages; at most \(maxLanguages) are accepted")
        }
        // The daemon sets the video itself, from what it uploaded.
        fields.removeValue(forKey: "video")
        return TranslationRequestSpec(outputLanguages: languages, extraFields: fields)
    }
}
