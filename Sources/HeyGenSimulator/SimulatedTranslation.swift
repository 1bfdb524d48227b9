import Foundation

/// One output language of a simulated video translation and how far it has got.
struct SimulatedTranslation: Sendable {
    /// How a finished translation ended.
    enum Outcome: Sendable { case completed, failed }

    var id: String
    /// The output language as asked (e.g. `Spanish (Spain)`).
    var language: String
    /// Its BCP-47 code (e.g. `es-ES`).
    var languageCode: String
    var assetID: String
    var title: String?
    var callbackID: String?
    /// Whether captions were asked for (`enable_caption`): then SRT and VTT files are served.
    var captions: Bool
    var createdAt: Date
    var polls = 0
    var pollsUntilCompleted: Int
    /// Whether it will end failed (its language is among `failingTranslationLanguages`).
    var willFail: Bool
    var outcome: Outcome?
}

/// The output languages the simulator accepts, as the API names them, with their BCP-47 codes.
enum TranslationLanguages {
    static let all: [(name: String, code: String)] = [
        ("English", "en-US"), ("English (UK)", "en-GB"), ("Spanish (Spain)", "es-ES"), ("Spanish (Mexico)", "es-MX"),
        ("German", "de-DE"), ("French", "fr-FR"), ("Italian", "it-IT"), ("Portuguese (Brazil)", "pt-BR"),
        ("Dutch", "nl-NL"), ("Polish", "pl-PL"), ("Japanese", "ja-JP"), ("Korean", "ko-KR"),
        ("Chinese (Mandarin)", "zh-CN"), ("Hindi", "hi-IN"),
    ]

    /// The code of the language named `name`, nil when it is not accepted.
    static func code(of name: String) -> String? {
        all.first { $0.name == name }?.code
    }
}
