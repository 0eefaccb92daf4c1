import FuzzDriver

@_cdecl("FuzzLogAnonymizer_main")
public func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzLogAnonymizer)
}
