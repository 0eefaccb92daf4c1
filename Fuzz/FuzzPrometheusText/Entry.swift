import FuzzDriver

@_cdecl("FuzzPrometheusText_main")
public func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPrometheusText)
}
