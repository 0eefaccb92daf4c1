public import VigieCore

// The site's `Service` and `Host` are the names this module means: ServiceLifecycle and NIO have
// types of the same names, which the module's own declarations shadow.
public typealias Service = VigieCore.Service
public typealias Host = VigieCore.Host
