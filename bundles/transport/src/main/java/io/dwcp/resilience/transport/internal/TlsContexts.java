package io.dwcp.resilience.transport.internal;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the TLS contexts of a node from its key store and trust store: the JDK's TLS 1.3/1.2, and on
 * the server side client authentication required, so both ends prove who they are.
 */
final class TlsContexts {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SslContext server;
    private final SslContext client;

    private TlsContexts(SslContext server, SslContext client) {
        this.server = server;
        this.client = client;
    }

    static TlsContexts create(TransportSettings.Tls tls) throws Exception {
        KeyManagerFactory kmf = keyManagers(tls);
        TrustManagerFactory tmf = trustManagers(tls);
        SslContext server = SslContextBuilder.forServer(kmf).trustManager(tmf).clientAuth(ClientAuth.REQUIRE)
                .sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
        SslContext client = SslContextBuilder.forClient().keyManager(kmf).trustManager(tmf)
                .sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
        return new TlsContexts(server, client);
    }

    /** Loads both stores, so a wrong password or file is refused with the configuration. */
    static void check(TransportSettings.Tls tls) throws Exception {
        keyManagers(tls);
        trustManagers(tls);
    }

    SslContext server() {
        return server;
    }

    SslContext client() {
        return client;
    }

    private static KeyManagerFactory keyManagers(TransportSettings.Tls tls) throws Exception {
        KeyStore ks = load(tls.keystore(), tls.keystorePassword(), tls.keystoreType());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, tls.keystorePassword().toCharArray());
        return kmf;
    }

    private static TrustManagerFactory trustManagers(TransportSettings.Tls tls) throws Exception {
        KeyStore ts = load(tls.truststore(), tls.truststorePassword(), tls.truststoreType());
        if (ts.size() == 0) {
            throw new SSLException("trust store " + tls.truststore() + " holds no certificate");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        return tmf;
    }

    private static KeyStore load(String file, String password, String type) throws Exception {
        KeyStore ks = KeyStore.getInstance(type.toUpperCase(java.util.Locale.ROOT));
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }
}
