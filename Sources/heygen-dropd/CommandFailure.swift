import ArgumentParser
import Foundation

/// Runs a command's body; any error becomes one line on stderr (`heygen-dropd: …`) and exit status 1.
func reportingFailure(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("heygen-dropd: \(error)\n".utf8))
        throw ExitCode(1)
    }
}
