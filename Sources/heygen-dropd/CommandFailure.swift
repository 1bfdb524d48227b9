import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Runs a command's body; any error becomes one line on stderr (`heygen-dropd: …`) and exit status 1.
func reportingFailure(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        let line = "heygen-dropd: \(error)\n"
        _ = line.withCString { fputs($0, stderr) }
        throw ExitCode(1)
    }
}
