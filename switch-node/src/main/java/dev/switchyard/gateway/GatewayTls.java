package dev.switchyard.gateway;

import com.typesafe.config.Config;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS on the acquirer gateway ({@code switch.gateway.tls}): the server context built from PEM files, rebuilt when
 * a file's content changes (a Kubernetes Secret swaps a symbolic link; each check reads through it), and the
 * acquirer a client certificate names. New connections take the newest context; open ones keep theirs.
 */
final class GatewayTls {

  private static final Logger log = LoggerFactory.getLogger(GatewayTls.class);

  /** {@code switch.gateway.tls}, read once at start. */
  record Settings(
      boolean enabled,
      Path certificate,
      Path privateKey,
      List<String> protocols,
      ClientAuth clientAuth,
      Path trustedClientCas,
      Map<String, String> identities,
      Duration reloadInterval,
      String provider) {

    static Settings create(Config gateway) {
      Config t = gateway.getConfig("tls");
      boolean enabled = t.getBoolean("enabled");
      ClientAuth auth = switch (t.getString("client-auth")) {
        case "none" -> ClientAuth.NONE;
        case "optional" -> ClientAuth.OPTIONAL;
        case "require" -> ClientAuth.REQUIRE;
        default -> throw new IllegalArgumentException(
            "switch.gateway.tls.client-auth: none, optional or require, not '" + t.getString("client-auth") + "'");
      };
      Map<String, String> identities = new HashMap<>();
      for (Config entry : t.getConfigList("client-identities")) {
        String acquirer = entry.getString("acquirer");
        if (identities.put(entry.getString("common-name"), acquirer) != null) {
          throw new IllegalArgumentException("switch.gateway.tls.client-identities: common name '"
              + entry.getString("common-name") + "' listed twice");
        }
      }
      List<String> protocols = t.getStringList("protocols");
      for (String p : protocols) {
        if (!p.equals("TLSv1.3") && !p.equals("TLSv1.2")) {
          throw new IllegalArgumentException("switch.gateway.tls.protocols: TLSv1.3 or TLSv1.2, not '" + p + "'");
        }
      }
      String provider = t.getString("provider");
      if (!List.of("auto", "openssl", "jdk").contains(provider)) {
        throw new IllegalArgumentException("switch.gateway.tls.provider: auto, openssl or jdk, not '" + provider + "'");
      }
      Settings s = new Settings(enabled, path(t, "certificate"), path(t, "private-key"), List.copyOf(protocols),
          auth, path(t, "trusted-client-cas"), Map.copyOf(identities), t.getDuration("reload-interval"), provider);
      if (enabled && (s.certificate == null || s.privateKey == null)) {
        throw new IllegalArgumentException(
            "switch.gateway.tls: certificate and private-key are needed when TLS is enabled");
      }
      if (enabled && auth != ClientAuth.NONE && s.trustedClientCas == null) {
        throw new IllegalArgumentException(
            "switch.gateway.tls.trusted-client-cas: needed when client-auth is " + t.getString("client-auth"));
      }
      return s;
    }

    private static Path path(Config t, String key) {
      String v = t.getString(key);
      return v.isBlank() ? null : Path.of(v);
    }

    static Settings off() {
      return new Settings(false, null, null, List.of("TLSv1.3"), ClientAuth.NONE, null, Map.of(),
          Duration.ofSeconds(10), "auto");
    }
  }

  /** The context in force and what it was built from. */
  private record Loaded(SslContext context, byte[] digest, X509Certificate certificate, Instant at) {}

  private final Settings settings;
  private final SslProvider provider;
  private volatile Loaded loaded;
  private volatile String lastError;

  private GatewayTls(Settings settings, SslProvider provider, Loaded loaded) {
    this.settings = settings;
    this.provider = provider;
    this.loaded = loaded;
  }

  /** Loads the files now; throws, naming the file, when they do not make a usable context. */
  static GatewayTls start(Settings settings) {
    SslProvider provider = switch (settings.provider()) {
      case "openssl" -> {
        if (!OpenSsl.isAvailable()) {
          throw new IllegalStateException("switch.gateway.tls.provider = openssl, but BoringSSL does not load: "
              + OpenSsl.unavailabilityCause());
        }
        yield SslProvider.OPENSSL;
      }
      case "jdk" -> SslProvider.JDK;
      default -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    };
    try {
      GatewayTls tls = new GatewayTls(settings, provider, load(settings, provider, Files.read(settings)));
      log.info("Gateway TLS ({}, {}, client certificates {}): serving {} until {}", provider, settings.protocols(),
          settings.clientAuth().name().toLowerCase(Locale.ROOT), tls.loaded.certificate().getSubjectX500Principal(),
          tls.loaded.certificate().getNotAfter().toInstant());
      return tls;
    } catch (IOException e) {
      throw new IllegalStateException("switch.gateway.tls: " + e.getMessage(), e);
    }
  }

  /** A handler for a new connection, from the newest context. */
  SslHandler newHandler(ByteBufAllocator alloc) {
    return loaded.context().newHandler(alloc);
  }

  /**
   * Reads the files again and, when their content changed and makes a usable context, puts it in force. A file
   * caught half-written, or a key that is not the certificate's, is logged and the context in force kept; the
   * next check tries again.
   */
  void reloadIfChanged() {
    try {
      Files files = Files.read(settings);
      if (MessageDigest.isEqual(files.digest(), loaded.digest())) {
        return;
      }
      Loaded next = load(settings, provider, files);
      loaded = next;
      lastError = null;
      log.info("Gateway TLS reloaded: new connections are served {} until {}",
          next.certificate().getSubjectX500Principal(), next.certificate().getNotAfter().toInstant());
    } catch (IOException | RuntimeException e) {
      String error = String.valueOf(e.getMessage());
      if (!error.equals(lastError)) {
        log.warn("Gateway TLS files changed but cannot be used, the previous ones stay in force: {}", error);
      }
      lastError = error;
    }
  }

  Duration reloadInterval() {
    return settings.reloadInterval();
  }

  /** For {@code /stats}: the certificate in force and the last reload error. */
  Map<String, Object> status() {
    Loaded now = loaded;
    Map<String, Object> m = new HashMap<>();
    m.put("provider", provider.name());
    m.put("protocols", settings.protocols());
    m.put("clientAuth", settings.clientAuth().name());
    m.put("subject", now.certificate().getSubjectX500Principal().getName());
    m.put("notAfter", now.certificate().getNotAfter().toInstant().toString());
    m.put("loadedAt", now.at().toString());
    if (lastError != null) {
      m.put("reloadError", lastError);
    }
    return m;
  }

  /**
   * The acquirer the connection's client certificate names (its subject's common name, or the acquirer that
   * common name is mapped to), or null when the connection has no TLS or sent no certificate.
   */
  String certifiedAcquirer(Channel channel) {
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      X509Certificate peer = (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
      String cn = commonName(peer);
      return settings.identities().getOrDefault(cn, cn);
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static String commonName(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      // Not a parsable name: no common name.
    }
    return "";
  }

  /**
   * The three files' content, read once: what the context is built from is what the digest says, even when a file
   * changes between two reads.
   */
  private record Files(byte[] chain, byte[] key, byte[] cas, byte[] digest) {

    static Files read(Settings s) throws IOException {
      byte[] chain = GatewayTls.read(s.certificate(), "certificate");
      byte[] key = GatewayTls.read(s.privateKey(), "private-key");
      byte[] cas = s.trustedClientCas() == null ? new byte[0]
          : GatewayTls.read(s.trustedClientCas(), "trusted-client-cas");
      MessageDigest md = dev.switchyard.payment.Sha256.get();
      md.update(chain);
      md.update(key);
      md.update(cas);
      return new Files(chain, key, cas, md.digest());
    }
  }

  private static Loaded load(Settings s, SslProvider provider, Files files) throws IOException {
    byte[] chain = files.chain();
    byte[] key = files.key();
    X509Certificate leaf;
    try {
      leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(chain));
    } catch (java.security.cert.CertificateException e) {
      throw new IOException("certificate " + s.certificate() + ": not a PEM certificate: " + e.getMessage(), e);
    }
    SslContextBuilder builder;
    try {
      builder = SslContextBuilder.forServer(new ByteArrayInputStream(chain), new ByteArrayInputStream(key));
    } catch (IllegalArgumentException e) {
      throw new IOException("private-key " + s.privateKey() + " or certificate " + s.certificate() + ": "
          + e.getMessage(), e);
    }
    builder.sslProvider(provider).protocols(s.protocols()).clientAuth(s.clientAuth());
    if (s.clientAuth() != ClientAuth.NONE) {
      builder.trustManager(new ByteArrayInputStream(files.cas()));
    }
    SslContext context;
    try {
      context = builder.build();
    } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
      throw new IOException("cannot build a TLS context from " + s.certificate() + " and " + s.privateKey() + ": "
          + e.getMessage(), e);
    }
    requireMatch(leaf, key, s.privateKey());
    return new Loaded(context, files.digest(), leaf, Instant.now());
  }

  /**
   * Refuses a private key that is not the certificate's (a certificate renewed before its key is written, say):
   * the provider would accept it, and every handshake would then fail.
   */
  private static void requireMatch(X509Certificate leaf, byte[] pem, Path file) throws IOException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IOException("private-key " + file + ": not a PKCS#8 PEM key (BEGIN PRIVATE KEY)");
    }
    String body = text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
    try {
      String algorithm = leaf.getPublicKey().getAlgorithm();
      PrivateKey key = KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
      String scheme = algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256with" + algorithm;
      byte[] probe = "gateway key check".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(scheme);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(scheme);
      verify.initVerify(leaf.getPublicKey());
      verify.update(probe);
      if (!verify.verify(signature)) {
        throw new IOException("private-key " + file + " is not the key of the certificate "
            + leaf.getSubjectX500Principal());
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("private-key " + file + " does not go with the certificate "
          + leaf.getSubjectX500Principal() + ": " + e.getMessage(), e);
    }
  }

  private static byte[] read(Path p, String key) throws IOException {
    try {
      return java.nio.file.Files.readAllBytes(p);
    } catch (IOException e) {
      throw new IOException(key + ": cannot read " + p + ": " + e, e);
    }
  }
}
