import Foundation

/// Where the package's built executables are, for tests that run the real binaries.
public enum BuiltProducts {
    /// The build folder holding the test bundle and the package's executables (e.g. `.build/debug`).
    public static var directory: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        // The test runner sits inside `NAME.xctest/` on some layouts; walk up until a sibling executable shows.
        while folder.path != "/" {
            if FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("heygen-dropd").path) {
                return folder
            }
            folder = folder.deletingLastPathComponent()
        }
        return executable.deletingLastPathComponent()
    }

    /// The absolute path of the built executable `name` (e.g. "heygen-dropd").
    public static func executable(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }
}
