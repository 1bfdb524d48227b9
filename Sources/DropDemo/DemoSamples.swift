import DropPipeline
import DropService
import Foundation
import HeyGenAPI
#if canImport(Glibc)
import Glibc
#endif

/// The sample drops `demo` makes: an image, a PDF with a `.prompt` sidecar, and a bundle of two images with
/// a `prompt.txt`. Each is written completely outside the inbox, then renamed in, as a careful tool would.
enum DemoSamples {
    /// The source names of the samples; their results are `NAME.json` in the outbox.
    static let names = ["welcome.png", "brochure.pdf", "launch"]

    /// Drops every sample whose name is free in `inbox` (one still there from an interrupted run is left
    /// to be processed), building it in `staging`, a scratch folder on the inbox's file system.
    /// Returns the names dropped.
    static func drop(into inbox: String, staging: String) throws -> [String] {
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        var dropped: [String] = []

        if try place(file: "welcome.png", SampleMedia.bytes(.png, size: 48_000, seed: 11), inbox: inbox, staging: staging) {
            dropped.append("welcome.png")
        }

        if !FileIO.exists("\(inbox)/brochure.pdf") {
            // The sidecar first, so it is there when the PDF is picked up.
            _ = try place(
                file: "brochure.pdf.prompt",
                Data("Turn this brochure into a friendly 30-second explainer video.\n".utf8), inbox: inbox,
                staging: staging)
            if try place(
                file: "brochure.pdf", SampleMedia.pdf(text: "heygen-dropd demo brochure"), inbox: inbox, staging: staging)
            {
                dropped.append("brochure.pdf")
            }
        }

        let bundle = "\(staging)/launch"
        try FileManager.default.createDirectory(atPath: bundle, withIntermediateDirectories: true)
        try FileIO.writeDurably(SampleMedia.bytes(.png, size: 32_000, seed: 21), to: "\(bundle)/slide-1.png")
        try FileIO.writeDurably(SampleMedia.bytes(.jpeg, size: 32_000, seed: 22), to: "\(bundle)/slide-2.jpg")
        try FileIO.writeDurably(
            Data("A short launch announcement built from these two slides.\n".utf8), to: "\(bundle)/prompt.txt")
        if !FileIO.exists("\(inbox)/launch") {
            guard rename(bundle, "\(inbox)/launch") == 0 else {
                throw FileIOError("cannot move the sample bundle into \(inbox): \(FileIO.lastError())")
            }
            dropped.append("launch")
        }
        return dropped
    }

    /// Writes `data` into `staging/name`, then links it into the inbox without overwriting.
    /// False when the name is already taken in the inbox.
    private static func place(file name: String, _ data: Data, inbox: String, staging: String) throws -> Bool {
        let temporary = "\(staging)/\(name)"
        try FileIO.writeDurably(data, to: temporary)
        defer { unlink(temporary) }
        if link(temporary, "\(inbox)/\(name)") == 0 { return true }
        if errno == EEXIST { return false }
        throw FileIOError("cannot put the sample \(name) into \(inbox): \(FileIO.lastError())")
    }
}
