package io.dwcp.resilience.transport.internal;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made at test time: node certificates it signs (CN and SAN as the transport
 * needs them), written as PKCS12 key stores and trust stores the transport's {@code tls.*} keys load.
 */
final class TestPki {

    static final String PASSWORD = "changeit";
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate caCert;

    /** A new CA called {@code name}, its files under {@code dir}. */
    TestPki(Path dir, String name) throws Exception {
        this.dir = dir;
        this.name = name;
        this.caKeys = keys();
        X500Name subject = new X500Name("CN=" + name + " test CA");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), notBefore(), notAfter(), subject,
                caKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        this.caCert = sign(b, caKeys.getPrivate());
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static Date notBefore() {
        return new Date(System.currentTimeMillis() - 3_600_000L);
    }

    private static Date notAfter() {
        return new Date(System.currentTimeMillis() + 86_400_000L);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws Exception {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    /**
     * Issues a certificate for {@code nodeId}: CN=nodeId, SAN IP 127.0.0.1 and DNS localhost, and writes
     * its key store.
     *
     * @return the key store file (PKCS12, password {@link #PASSWORD})
     */
    Path node(String nodeId) throws Exception {
        return node(nodeId, new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost"));
    }

    /** As {@link #node(String)}, with the subject alternative names given (none: no SAN at all). */
    Path node(String nodeId, GeneralName... altNames) throws Exception {
        KeyPair kp = keys();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), notBefore(), notAfter(),
                new X500Name("CN=" + nodeId), kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        if (altNames.length > 0) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames));
        }
        X509Certificate cert = sign(b, caKeys.getPrivate());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(nodeId, kp.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {cert, caCert});
        return write(ks, name + "-" + nodeId + "-" + SERIAL.incrementAndGet() + ".p12");
    }

    /** @return a trust store holding this CA's certificate */
    Path truststore() throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry(name + "-ca", caCert);
        return write(ts, name + "-trust.p12");
    }

    private Path write(KeyStore ks, String file) throws Exception {
        Path p = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(p)) {
            ks.store(out, PASSWORD.toCharArray());
        }
        return p;
    }

    /** The {@code tls.*} configuration of a node with this key store and trust store. */
    static Map<String, String> config(Path keystore, Path truststore) {
        Map<String, String> m = new HashMap<>();
        m.put("tls.enabled", "true");
        m.put("tls.keystore", keystore.toString());
        m.put("tls.keystore.password", PASSWORD);
        m.put("tls.truststore", truststore.toString());
        m.put("tls.truststore.password", PASSWORD);
        return m;
    }
}
