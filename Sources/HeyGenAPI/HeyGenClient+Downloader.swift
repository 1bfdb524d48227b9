extension HeyGenClient {
    /// A `FileDownloader` sending through this client's HTTP client (redirects disallowed) and logging to its
    /// logger. It never sends this client's API key: the file host is not the API.
    public func fileDownloader(configuration: FileDownloader.Configuration = .init()) -> FileDownloader {
        FileDownloader(configuration: configuration, httpClient: httpClient, logger: logger)
    }
}
