import NIOSSL

/// TLS for connecting out (wss://): the system's roots, plus a private CA when given.
public struct ClientTLS: Sendable {
    /// A PEM file of extra trusted certificates (a private CA, a simulator's self-signed certificate).
    public var caFile: String?

    public init(caFile: String? = nil) {
        self.caFile = caFile
    }

    func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            configuration.additionalTrustRoots = [.file(caFile)]
        }
        return try NIOSSLContext(configuration: configuration)
    }
}

/// TLS for serving (wss://): a certificate chain and its key, in PEM files.
public struct ServerTLS: Sendable {
    public var certificateFile: String
    public var privateKeyFile: String

    public init(certificateFile: String, privateKeyFile: String) {
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
    }

    func makeContext() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: privateKeyFile, format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        return try NIOSSLContext(configuration: configuration)
    }
}
