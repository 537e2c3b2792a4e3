package dev.switchyard.ops;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.pki.pem.DERPrivateKeyLoader;
import org.apache.pekko.pki.pem.PEMDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS on the management port from a PEM certificate chain and a PEM private key (PKCS#8 or PKCS#1), as a
 * Kubernetes Secret mounts them. A new connection after {@code reloadInterval} finds the files read again: a
 * changed pair is served from then on, a pair that does not load is logged and the one in force kept.
 */
final class ManagementHttps {

  private static final Logger log = LoggerFactory.getLogger(ManagementHttps.class);
  private static final char[] NO_PASSWORD = new char[0];

  private final Path certificate;
  private final Path privateKey;
  private final Duration reloadInterval;
  private final List<String> protocols;
  private final Clock clock;
  private volatile Loaded loaded;
  private volatile Instant nextCheck;

  private record Loaded(byte[] certificate, byte[] key, SSLContext context) {}

  private ManagementHttps(Path certificate, Path privateKey, Duration reloadInterval, List<String> protocols,
      Clock clock, Loaded loaded) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.reloadInterval = reloadInterval;
    this.protocols = protocols;
    this.clock = clock;
    this.loaded = loaded;
    this.nextCheck = clock.instant().plus(reloadInterval);
  }

  /** Loads the pair, or refuses naming the file that does not load. */
  static ManagementHttps load(Path certificate, Path privateKey, Duration reloadInterval, List<String> protocols,
      Clock clock) {
    try {
      byte[] cert = Files.readAllBytes(certificate);
      byte[] key = Files.readAllBytes(privateKey);
      return new ManagementHttps(certificate, privateKey, reloadInterval, protocols, clock,
          new Loaded(cert, key, context(cert, key, certificate, privateKey)));
    } catch (IOException e) {
      throw new IllegalArgumentException("switch.operator.https: " + e.getMessage(), e);
    }
  }

  HttpsConnectionContext connectionContext() {
    return ConnectionContext.httpsServer(this::engine);
  }

  private SSLEngine engine() {
    Instant now = clock.instant();
    if (now.isAfter(nextCheck)) {
      nextCheck = now.plus(reloadInterval);
      reloadIfChanged();
    }
    SSLEngine engine = loaded.context().createSSLEngine();
    engine.setUseClientMode(false);
    engine.setEnabledProtocols(protocols.toArray(String[]::new));
    return engine;
  }

  private synchronized void reloadIfChanged() {
    try {
      byte[] cert = Files.readAllBytes(certificate);
      byte[] key = Files.readAllBytes(privateKey);
      Loaded current = loaded;
      if (!Arrays.equals(cert, current.certificate()) || !Arrays.equals(key, current.key())) {
        loaded = new Loaded(cert, key, context(cert, key, certificate, privateKey));
        log.info("Management HTTPS certificate {} read again; new connections get it", certificate);
      }
    } catch (IOException | IllegalArgumentException e) {
      log.error("Management HTTPS certificate not read again, the one in force stays: {}", e.getMessage());
    }
  }

  /**
   * The key of a PEM file: PKCS#1 RSA through Pekko's loader, PKCS#8 of any algorithm the JDK knows (Pekko's
   * loader reads only RSA).
   */
  private static PrivateKey privateKey(byte[] pem, Path keyFile) {
    try {
      PEMDecoder.DERData der = PEMDecoder.decode(new String(pem, StandardCharsets.US_ASCII));
      if (!der.label().equals("PRIVATE KEY")) {
        return DERPrivateKeyLoader.load(der);
      }
      for (String algorithm : List.of("EC", "RSA", "Ed25519", "RSASSA-PSS")) {
        try {
          return java.security.KeyFactory.getInstance(algorithm)
              .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der.bytes()));
        } catch (GeneralSecurityException notThisOne) {
          // the next algorithm
        }
      }
      throw new IllegalArgumentException(keyFile + ": a PKCS#8 key of no algorithm this JVM reads");
    } catch (RuntimeException e) {
      throw e instanceof IllegalArgumentException iae ? iae
          : new IllegalArgumentException(keyFile + ": not a PEM private key (" + e.getMessage() + ")", e);
    }
  }

  /** Whether a signature by {@code key} verifies under {@code certified}: the key is the certificate's. */
  private static boolean isPair(PrivateKey key, java.security.PublicKey certified) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm();
    };
    try {
      byte[] probe = "switch management https".getBytes(StandardCharsets.US_ASCII);
      java.security.Signature sign = java.security.Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      java.security.Signature verify = java.security.Signature.getInstance(algorithm);
      verify.initVerify(certified);
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static SSLContext context(byte[] cert, byte[] key, Path certFile, Path keyFile) {
    Certificate[] chain;
    try {
      chain = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(cert))
          .toArray(Certificate[]::new);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(certFile + ": not a PEM certificate chain (" + e.getMessage() + ")", e);
    }
    if (chain.length == 0) {
      throw new IllegalArgumentException(certFile + ": no certificate in it");
    }
    PrivateKey privateKey = privateKey(key, keyFile);
    if (!isPair(privateKey, chain[0].getPublicKey())) {
      throw new IllegalArgumentException(keyFile + ": not the key of the certificate in " + certFile);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("management", privateKey, NO_PASSWORD, chain);
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, NO_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(certFile + " with " + keyFile + ": " + e.getMessage(), e);
    }
  }
}
