import InboxWatcher
import Testing

@Suite("DropRules")
struct DropRulesTests {
    @Test(
        "temporary, hidden and partial names are ignored",
        arguments: [
            ".hidden", ".report.pdf.Xy12Ab", ".", "..", "notes~", "a.tmp", "a.TMP", "movie.mp4.part", "x.partial",
            "big.mp4.crdownload", "file.swp", "",
        ])
    func ignoredNames(name: String) {
        #expect(DropRules.isIgnoredName(name))
    }

    @Test(
        "ordinary names are not ignored",
        arguments: [
            "report.pdf", "report.pdf.prompt", "x.agent.json", "-rf", "a b.png", "tmp", "partial.pdf", "résumé.pdf",
            "a~b.pdf", "part", "x.tmp.pdf",
        ])
    func ordinaryNames(name: String) {
        #expect(!DropRules.isIgnoredName(name))
    }

    @Test("sidecar names map to their target")
    func sidecarTargets() throws {
        let prompt = try #require(DropRules.sidecarTarget(of: "report.pdf.prompt"))
        #expect(prompt.target == "report.pdf")
        #expect(prompt.kind == .prompt)

        let agent = try #require(DropRules.sidecarTarget(of: "x.agent.json"))
        #expect(agent.target == "x")
        #expect(agent.kind == .agentJSON)

        let nested = try #require(DropRules.sidecarTarget(of: "clip.mp4.prompt.agent.json"))
        #expect(nested.target == "clip.mp4.prompt")
        #expect(nested.kind == .agentJSON)

        let spaced = try #require(DropRules.sidecarTarget(of: "my résumé.pdf.prompt"))
        #expect(spaced.target == "my résumé.pdf")
    }

    @Test("other names are not sidecars", arguments: ["report.pdf", "prompt", "agent.json", ".prompt", ".agent.json", "x.json", "x.Prompt"])
    func notSidecars(name: String) {
        #expect(DropRules.sidecarTarget(of: name) == nil)
    }

    @Test("the sidecars beside a name, the one that takes precedence first, map back to it")
    func sidecarNames() throws {
        #expect(DropRules.sidecarNames(for: "report.pdf") == ["report.pdf.agent.json", "report.pdf.prompt", "report.pdf.translate.json"])
        #expect(DropRules.sidecarName(for: "a b.png", kind: .prompt) == "a b.png.prompt")
        for name in ["report.pdf", "clip.mp4.prompt", "x"] {
            for (sidecar, kind) in zip(DropRules.sidecarNames(for: name), DropRules.sidecarKinds) {
                let target = try #require(DropRules.sidecarTarget(of: sidecar))
                #expect(target.target == name)
                #expect(target.kind == kind)
            }
        }
    }

    @Test("the sidecars inside a bundle")
    func bundleSidecars() {
        #expect(DropRules.bundleSidecarNames == ["agent.json", "prompt.txt"])
        #expect(SidecarKind.agentJSON.bundleName == "agent.json")
        #expect(SidecarKind.prompt.bundleName == "prompt.txt")
        #expect(SidecarKind.agentJSON.isJSON && SidecarKind.translateJSON.isJSON && !SidecarKind.prompt.isJSON)
    }

    @Test("kinds have their wire names")
    func rawValues() {
        #expect(SidecarKind.agentJSON.rawValue == "agent_json")
        #expect(SidecarKind.prompt.rawValue == "prompt")
        #expect(DropKind.file.rawValue == "file")
        #expect(DropKind.directory.rawValue == "directory")
    }
}
