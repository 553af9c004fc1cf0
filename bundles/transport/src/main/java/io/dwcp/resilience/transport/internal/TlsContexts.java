package io.dwcp.resilience.transport.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

/**
 * Builds the TLS contexts of a node from its key store and trust store: the JDK's TLS 1.3/1.2, and on
 * the server side client authentication required, so both ends prove who they are. The connecting side
 * also checks the listener's certificate names the address dialled (Netty's default HTTPS-style endpoint
 * identification), and both sides check, at HELLO, that the other's certificate names the node id it
 * speaks as ({@link #identityProblem}).
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

    /**
     * The node ids a peer's certificate vouches for: the CN values of its subject. A node's certificate must
     * carry its node id as its CN, so a certificate the cluster trusts still cannot speak for another node.
     * Subject alternative names are deliberately not node ids: they name hosts (every node on a machine may
     * carry {@code DNS:localhost}), and the connecting side already checks them against the address dialled.
     */
    static Set<String> names(SSLSession session) throws SSLPeerUnverifiedException {
        X509Certificate cert = (X509Certificate) session.getPeerCertificates()[0];
        Set<String> names = new TreeSet<>();
        // node ids have no characters RFC 2253 escapes, so a plain split finds every CN that can match one
        for (String rdn : cert.getSubjectX500Principal().getName(X500Principal.RFC2253).split(",")) {
            if (rdn.regionMatches(true, 0, "CN=", 0, 3)) {
                names.add(rdn.substring(3));
            }
        }
        return names;
    }

    /**
     * @return null when the connection is not TLS or the peer's certificate names {@code nodeId}; else
     *         why it may not speak for that node
     */
    static String identityProblem(ChannelHandlerContext ctx, String nodeId) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Set<String> names = names(ssl.engine().getSession());
            return names.contains(nodeId) ? null : "the peer's certificate is issued to CN=" + names + ", not to node " + nodeId;
        } catch (SSLPeerUnverifiedException e) {
            return "the peer presented no verified certificate";
        }
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
