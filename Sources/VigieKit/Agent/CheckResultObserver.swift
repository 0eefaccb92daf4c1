public import VigieCore

/// Takes each check result the scheduler records, in the order the scheduler lists its observers.
public protocol CheckResultObserver: Sendable {
    func observe(_ result: CheckResult) async
}
