package dev.switchyard.protocol.client;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS towards a gateway: the CAs trusted to sign the gateway's certificate, and, for mutual TLS, this acquirer's
 * certificate chain and private key (PEM files). The gateway's certificate must name the host connected to.
 */
public final class ClientTls {

  private final SslContext context;

  private ClientTls(SslContext context) {
    this.context = context;
  }

  /**
   * {@code trustedCas} null trusts the JDK's default CAs; {@code certificate} and {@code privateKey} are both null
   * (no client certificate) or both set.
   */
  public static ClientTls of(Path trustedCas, Path certificate, Path privateKey, List<String> protocols)
      throws IOException {
    if ((certificate == null) != (privateKey == null)) {
      throw new IllegalArgumentException("a client certificate needs its private key, and a key its certificate");
    }
    SslContextBuilder builder = SslContextBuilder.forClient().protocols(protocols);
    try {
      if (trustedCas != null) {
        builder.trustManager(existing(trustedCas));
      }
      if (certificate != null) {
        builder.keyManager(existing(certificate), existing(privateKey));
      }
      return new ClientTls(builder.build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** TLS 1.3 and 1.2, whichever the gateway allows. */
  public static ClientTls of(Path trustedCas, Path certificate, Path privateKey) throws IOException {
    return of(trustedCas, certificate, privateKey, List.of("TLSv1.3", "TLSv1.2"));
  }

  /**
   * The TLS that command-line options ask for ({@code --tls}, {@code --tls-ca}, {@code --tls-cert},
   * {@code --tls-key}; blank or null when not given), or null for plain TCP: any of the files implies TLS.
   */
  public static ClientTls fromOptions(boolean tls, String ca, String cert, String key) throws IOException {
    if (!tls && blank(ca) && blank(cert) && blank(key)) {
      return null;
    }
    return of(blank(ca) ? null : Path.of(ca), blank(cert) ? null : Path.of(cert), blank(key) ? null : Path.of(key));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static File existing(Path p) throws IOException {
    File f = p.toFile();
    if (!f.isFile()) {
      throw new IOException("no file at " + p);
    }
    return f;
  }

  /** A handler for one connection to {@code host}, checking that the gateway's certificate names it. */
  SslHandler handler(ByteBufAllocator alloc, String host, int port) {
    SslHandler handler = context.newHandler(alloc, host, port);
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(params);
    return handler;
  }
}
