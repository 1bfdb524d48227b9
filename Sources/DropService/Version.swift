/// The program's version, as shown by `--version` and sent in the `User-Agent`.
public enum Version {
    /// The release number.
    public static let number = "0.1.0"
    /// `heygen-dropd/0.1.0`.
    public static let userAgent = "heygen-dropd/\(number)"
}
