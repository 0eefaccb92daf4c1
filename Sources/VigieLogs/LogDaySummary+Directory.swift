import CSystemShims
public import Foundation
public import VigieCore

// Each file of the directory is streamed line by line (FileLineReader) into a LogDayCounter.

extension LogDaySummary {
    /// Reads every regular file of `directory` (never through a link), counting the entries of the UTC `day`.
    public static func read(directory: String, day: Date) throws(Failure) -> LogDaySummary {
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryFD >= 0 else {
            throw Failure(
                description:
                    "cannot read the log directory \(PrintableText.escaped(directory)): \(String(cString: strerror(errno)))"
            )
        }
        defer { close(directoryFD) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw Failure(
                description:
                    "cannot list the log directory \(PrintableText.escaped(directory)): \(error.localizedDescription)"
            )
        }
        var summary = LogDaySummary()
        let start = Int64(day.timeIntervalSince1970.rounded(.down))
        for name in names.sorted() {
            let shown = PrintableText.escaped(name)
            if name.hasSuffix(".gz") || name.hasSuffix(".xz") || name.hasSuffix(".zst") || name.hasSuffix(".bz2") {
                summary.skipped.append("\(shown) (compressed)")
                continue
            }
            let fd = openat(directoryFD, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else {
                summary.skipped.append(
                    errno == ELOOP ? "\(shown) (a link)" : "\(shown) (\(String(cString: strerror(errno))))"
                )
                continue
            }
            defer { close(fd) }
            let mode = vigie_fd_mode(fd)
            guard mode >= 0, vigie_mode_is_regular(mode) != 0 else {
                summary.skipped.append(
                    vigie_mode_is_directory(mode) != 0
                        ? "\(shown) (a directory: not read)" : "\(shown) (not a regular file)"
                )
                continue
            }
            var counter = LogDayCounter(dayStart: start, fileComponent: LogDayCounter.component(fileName: name))
            var reader = FileLineReader(descriptor: fd, name: "\(directory)/\(shown)")
            do {
                while try reader.nextLine({ line in counter.consume(line) }) {
                    if counter.binaryFieldFollows != nil {
                        // journald export: a field's size (64-bit little-endian), its bytes, a newline.
                        counter.binaryFieldFollows = nil
                        guard let size = try reader.read(exactly: 8) else { break }
                        let length = size.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                        guard length < 1 << 40, try reader.skip(length + 1) else { break }
                    }
                }
            } catch {
                summary.skipped.append("\(shown) (\(error))")
                continue
            }
            counter.finish()
            summary.files += 1
            summary.lines += counter.entries
            for (component, counts) in counter.counts {
                summary.counts[component, default: Counts()].errors += counts.errors
                summary.counts[component, default: Counts()].warnings += counts.warnings
            }
        }
        return summary
    }
}
