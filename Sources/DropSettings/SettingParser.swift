import Foundation
import Logging
import SystemSupport
import DropLogging
import InboxWatcher

/// How one setting's text becomes its value, and how a value is written back (for the defaults in
/// `--help`, the README and the shipped config file).
///
/// `parse` trims nothing it should not: numbers and names ignore surrounding blanks, paths are taken
/// as given. Its errors are `SettingsError`s naming the key, the text and where it came from.
struct SettingParser<Value: Sendable>: Sendable {
    /// The value of `found`, or a one-line error naming its key and origin.
    let parse: @Sendable (Found) throws(SettingsError) -> Value
    /// `value` as the config file writes it.
    let format: @Sendable (Value) -> String
}

extension SettingParser where Value == String {
    /// A folder: not empty, no `~`, made absolute against the current directory.
    static var folder: Self {
        Self(
            parse: { found throws(SettingsError) in
                guard !found.value.isEmpty else {
                    throw .invalidValue(key: found.key, value: "", origin: found.origin, requirement: "must not be empty")
                }
                guard !found.value.hasPrefix("~") else {
                    throw .invalidValue(
                        key: found.key, value: found.value, origin: found.origin,
                        requirement: "~ is not expanded; give an absolute path")
                }
                return SettingsLoader.absolutePath(found.value)
            },
            format: { $0 })
    }

    /// A queue URL: `postgres://` or `postgresql://` with a user, a host or `host=` socket folder, and a
    /// database. A password in it is refused, and the error then never repeats the URL's text.
    static var queueURL: Self {
        Self(
            parse: { found throws(SettingsError) in
                let text = found.value.trimmingCharacters(in: .whitespaces)
                let parsed = URLComponents(string: text)
                guard let parts = parsed, parts.scheme == "postgres" || parts.scheme == "postgresql" else {
                    // The text is shown only when it cannot hold a password.
                    throw .invalidValue(
                        key: found.key, value: text.contains("@") ? "<redacted>" : text, origin: found.origin,
                        requirement: "must be a postgres://USER@HOST:PORT/DATABASE URL")
                }
                guard parts.password == nil else {
                    throw .invalidValue(
                        key: found.key, value: "<redacted>", origin: found.origin,
                        requirement: "must hold no password: give it in queue_password_file or the credential heygen-queue-password")
                }
                guard parts.user?.isEmpty == false, parts.path.count > 1 else {
                    throw .invalidValue(
                        key: found.key, value: text, origin: found.origin,
                        requirement: "must name a user and a database: postgres://USER@HOST:PORT/DATABASE")
                }
                return text
            },
            format: { $0 })
    }

    /// A file: not empty, made absolute against the current directory.
    static var file: Self {
        Self(
            parse: { found throws(SettingsError) in
                guard !found.value.isEmpty else {
                    throw .invalidValue(key: found.key, value: "", origin: found.origin, requirement: "must not be empty")
                }
                return SettingsLoader.absolutePath(found.value)
            },
            format: { $0 })
    }

    /// An `http://` or `https://` URL with a host and no query or fragment; trailing slashes are dropped.
    static var baseURL: Self {
        Self(
            parse: { found throws(SettingsError) in
                var text = found.value.trimmingCharacters(in: .whitespaces)
                while text.hasSuffix("/") { text.removeLast() }
                guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                    scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
                    url.query == nil, url.fragment == nil
                else {
                    throw .invalidValue(
                        key: found.key, value: found.value, origin: found.origin,
                        requirement: "must be an http:// or https:// URL, like https://api.heygen.com")
                }
                return text
            },
            format: { $0 })
    }
}

extension SettingParser where Value == String {
    /// `HOST:PORT` (`127.0.0.1:9464`, `[::1]:0`), written back as parsed.
    static var listenAddress: Self {
        Self(
            parse: { found throws(SettingsError) in
                guard let address = ListenAddress(parsing: found.value.trimmingCharacters(in: .whitespaces)) else {
                    throw .invalidValue(
                        key: found.key, value: found.value, origin: found.origin,
                        requirement: "must be HOST:PORT, like 127.0.0.1:9464")
                }
                return address.description
            },
            format: { $0 })
    }
}

extension SettingParser where Value == Int {
    /// A whole number of at least `range.lowerBound`.
    static func integer(in range: PartialRangeFrom<Int>) -> Self {
        Self(
            parse: { found throws(SettingsError) in
                guard let number = Int(found.value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
                    throw .invalidValue(
                        key: found.key, value: found.value, origin: found.origin,
                        requirement: "must be a whole number ≥ \(range.lowerBound)")
                }
                return number
            },
            format: { String($0) })
    }

    /// A whole number within `range`.
    static func integer(in range: ClosedRange<Int>) -> Self {
        Self(
            parse: { found throws(SettingsError) in try wholeNumber(found, in: range) },
            format: { String($0) })
    }
}

extension SettingParser where Value == Duration {
    /// A whole number of milliseconds within `range`.
    static func milliseconds(in range: ClosedRange<Int>) -> Self {
        unit(.milliseconds(1), in: range)
    }

    /// A whole number of seconds within `range`.
    static func seconds(in range: ClosedRange<Int>) -> Self {
        unit(.seconds(1), in: range)
    }

    /// A whole number of hours within `range`.
    static func hours(in range: ClosedRange<Int>) -> Self {
        unit(.seconds(3600), in: range)
    }

    /// A whole number of days within `range`.
    static func days(in range: ClosedRange<Int>) -> Self {
        unit(.seconds(86_400), in: range)
    }

    /// A positive number of hours up to a year; fractions are allowed (`0.01` is 36 seconds).
    static var fractionalHours: Self {
        Self(
            parse: { found throws(SettingsError) in
                guard let number = Double(found.value.trimmingCharacters(in: .whitespaces)), number > 0,
                    number <= 8_760
                else {
                    throw .invalidValue(
                        key: found.key, value: found.value, origin: found.origin,
                        requirement: "must be a number of hours above 0 and at most 8760")
                }
                return .milliseconds(Int64((number * 3_600_000).rounded()))
            },
            format: { duration in
                let hours = duration / .seconds(3600)
                return hours == hours.rounded() ? String(Int(hours)) : String(hours)
            })
    }

    /// A positive number of minutes up to a week; fractions are allowed (`0.5` is thirty seconds).
    static var minutes: Self {
        Self(
            parse: { found throws(SettingsError) in
                guard let number = Double(found.value.trimmingCharacters(in: .whitespaces)), number > 0,
                    number <= 10_080
                else {
                    throw .invalidValue(
                        key: found.key, value: found.value, origin: found.origin,
                        requirement: "must be a number of minutes above 0 and at most 10080")
                }
                return .seconds(60 * number)
            },
            format: { duration in
                let minutes = duration / .seconds(60)
                return minutes == minutes.rounded() ? String(Int(minutes)) : String(minutes)
            })
    }

    /// A whole number of `unit`s within `range`.
    private static func unit(_ unit: Duration, in range: ClosedRange<Int>) -> Self {
        Self(
            parse: { found throws(SettingsError) in unit * (try wholeNumber(found, in: range)) },
            format: { String(Int($0 / unit)) })
    }
}

extension SettingParser where Value == LogFormat {
    /// `text` or `json`, ignoring case and surrounding blanks.
    static var logFormat: Self {
        Self(
            parse: { found throws(SettingsError) in
                guard let format = LogFormat(rawValue: found.value.trimmingCharacters(in: .whitespaces).lowercased())
                else { throw .unknownLogFormat(found.value, origin: found.origin) }
                return format
            },
            format: { $0.rawValue })
    }
}

extension SettingParser where Value == WatchMode {
    /// `auto`, `inotify` or `poll`, ignoring case and surrounding blanks.
    static var watchMode: Self {
        Self(
            parse: { found throws(SettingsError) in
                guard let mode = WatchMode(rawValue: found.value.trimmingCharacters(in: .whitespaces).lowercased())
                else {
                    throw .invalidValue(
                        key: found.key, value: found.value, origin: found.origin, requirement: "must be auto, inotify or poll")
                }
                return mode
            },
            format: { $0.rawValue })
    }
}

extension SettingParser where Value == Logger.Level {
    /// `trace`, `debug`, `info`, `notice`, `warning` or `error` (not `critical`: the daemon must
    /// not be silenced), ignoring case and surrounding blanks.
    static var logLevel: Self {
        Self(
            parse: { found throws(SettingsError) in
                let name = found.value.trimmingCharacters(in: .whitespaces).lowercased()
                guard name != Logger.Level.critical.rawValue, let level = Logger.Level(rawValue: name) else {
                    throw .unknownLogLevel(found.value, origin: found.origin)
                }
                return level
            },
            format: { $0.rawValue })
    }
}

/// A whole number within `range`, or the error naming the range.
private func wholeNumber(_ found: Found, in range: ClosedRange<Int>) throws(SettingsError) -> Int {
    guard let number = Int(found.value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
        throw .invalidValue(
            key: found.key, value: found.value, origin: found.origin,
            requirement: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
    }
    return number
}
