import VigieCore

/// A unified diff of two texts, line by line (Myers' O(ND) algorithm), as `diff -u` prints it.

public enum LineDiff {
    enum Edit: Equatable {
        case same(Int, Int)
        case delete(Int)
        case insert(Int)
    }

    /// The shortest edit script turning `a` into `b`.
    static func edits(_ a: [Substring], _ b: [Substring]) -> [Edit] {
        let n = a.count
        let m = b.count
        let max = n + m
        if max == 0 { return [] }
        var v = [Int](repeating: 0, count: 2 * max + 2)
        var trace: [[Int]] = []
        outer: for d in 0...max {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) {
                    x = v[max + k + 1]
                } else {
                    x = v[max + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[max + k] = x
                if x >= n, y >= m { break outer }
            }
        }
        // Walk the trace back from the end.
        var edits: [Edit] = []
        var x = n
        var y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let previousK: Int
            if k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) {
                previousK = k + 1
            } else {
                previousK = k - 1
            }
            let previousX = d == 0 ? 0 : v[max + previousK]
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                x -= 1
                y -= 1
                edits.append(.same(x, y))
            }
            if d > 0 {
                if x == previousX {
                    y -= 1
                    edits.append(.insert(y))
                } else {
                    x -= 1
                    edits.append(.delete(x))
                }
            }
        }
        return edits.reversed()
    }

    /// `diff -u` output between `old` and `new`, with `context` lines around each change; empty when equal.
    public static func unified(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = lines(old)
        let b = lines(new)
        let script = edits(a, b)
        guard script.contains(where: { if case .same = $0 { return false } else { return true } }) else { return "" }
        var output = "--- \(oldName)\n+++ \(newName)\n"
        var index = 0
        while index < script.count {
            // Find the next change.
            guard
                let change = script[index...].firstIndex(where: {
                    if case .same = $0 { return false } else { return true }
                })
            else { break }
            var start = Swift.max(index, change - context)
            if start < index { start = index }
            // Extend the hunk while changes are within 2 * context of each other.
            var end = change
            var lastChange = change
            while end < script.count {
                if case .same = script[end] {
                    if end - lastChange > 2 * context { break }
                } else {
                    lastChange = end
                }
                end += 1
            }
            end = Swift.min(script.count, lastChange + context + 1)
            let hunk = script[start..<end]
            var oldStart = 0
            var newStart = 0
            var oldCount = 0
            var newCount = 0
            var body = ""
            var first = true
            for edit in hunk {
                switch edit {
                case .same(let i, let j):
                    if first { oldStart = i; newStart = j }
                    oldCount += 1
                    newCount += 1
                    body += " \(a[i])\n"
                case .delete(let i):
                    if first { oldStart = i; newStart = Self.newPosition(before: edit, in: script, at: start) }
                    oldCount += 1
                    body += "-\(a[i])\n"
                case .insert(let j):
                    if first { newStart = j; oldStart = Self.oldPosition(before: edit, in: script, at: start) }
                    newCount += 1
                    body += "+\(b[j])\n"
                }
                first = false
            }
            let oldLabel = oldCount == 0 ? "\(oldStart),0" : "\(oldStart + 1),\(oldCount)"
            let newLabel = newCount == 0 ? "\(newStart),0" : "\(newStart + 1),\(newCount)"
            output += "@@ -\(oldLabel) +\(newLabel) @@\n" + body
            index = end
        }
        return output
    }

    /// The line of the old text a hunk starting with an insertion begins at.
    private static func oldPosition(before _: Edit, in script: [Edit], at position: Int) -> Int {
        for edit in script[..<position].reversed() {
            switch edit {
            case .same(let i, _), .delete(let i): return i + 1
            case .insert: continue
            }
        }
        return 0
    }

    private static func newPosition(before _: Edit, in script: [Edit], at position: Int) -> Int {
        for edit in script[..<position].reversed() {
            switch edit {
            case .same(_, let j), .insert(let j): return j + 1
            case .delete: continue
            }
        }
        return 0
    }

    static func lines(_ text: String) -> [Substring] {
        var result = text.split(separator: "\n", omittingEmptySubsequences: false)
        if result.last == "" { result.removeLast() }
        return result
    }
}
