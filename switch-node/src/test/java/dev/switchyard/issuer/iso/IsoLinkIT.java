package dev.switchyard.issuer.iso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.solab.iso8583.IsoMessage;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The issuer link over real TCP against jPOS, an ISO 8583 implementation the switch's authors did not write. */
class IsoLinkIT {

  private static EventLoopGroup group;
  private static ActorTestKit waiting;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void loops() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    waiting = ActorTestKit.create();
  }

  @AfterAll
  static void stopLoops() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    waiting.shutdownTestKit();
  }

  private static void eventually(Runnable check) {
    waiting.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      check.run();
      return null;
    });
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private JposPeer issuer() throws Exception {
    JposPeer issuer = new JposPeer();
    open.add(issuer);
    return issuer;
  }

  private IsoLink link(int port, int connections, Duration echo) {
    IsoLink link = new IsoLink(new IsoLink.Settings("test-issuer", "127.0.0.1", port, connections,
        Duration.ofSeconds(2), Duration.ofSeconds(2), echo, Duration.ofMillis(50), Duration.ofSeconds(1), 8_192),
        group, Clock.systemUTC()).start();
    open.add(0, link);
    return link;
  }

  private static void awaitReady(IsoLink link, int connections) {
    eventually(() -> assertThat(link.readyConnections()).as("connections signed on").isEqualTo(connections));
  }

  /** A 0100 for {@code amount} minor units, with the link's next STAN. */
  private static IsoMessage authorization(IsoLink link, long amount) {
    IsoMessage m = IsoMessages.create(IsoMessages.AUTHORIZATION);
    IsoMessages.digits(m, 2, "378282246310005");
    IsoMessages.numeric(m, 3, "000000", 6);
    IsoMessages.numeric(m, 4, String.valueOf(amount), 12);
    IsoMessages.numeric(m, 7, "1201120000", 10);
    IsoMessages.numeric(m, 11, link.nextStan(), 6);
    IsoMessages.digits(m, 32, "1234567");
    IsoMessages.text(m, 37, "RRN000000001", 12);
    IsoMessages.text(m, 49, "978", 3);
    return m;
  }

  private static String field(ISOMsg m, int field) {
    return m.getString(field);
  }

  @Test
  void signsOnBeforeAnythingElseAndMatchesOutOfOrderResponsesBySTAN() throws Exception {
    JposPeer issuer = issuer();
    // The first authorization is answered a second later than the second one.
    issuer.answer(request -> "0100".equals(request.getString(0)) && request.getString(4).endsWith("2")
        ? new JposPeer.Answer(JposPeer.response(request, "00"), 500)
        : JposPeer.approve(request));
    IsoLink link = link(issuer.port(), 1, Duration.ofMinutes(5));
    awaitReady(link, 1);
    ISOMsg signOn = issuer.next();
    assertThat(signOn.getMTI()).isEqualTo("0800");
    assertThat(field(signOn, 70)).isEqualTo("001");

    IsoMessage slow = authorization(link, 1_002);
    IsoMessage fast = authorization(link, 1_001);
    CompletableFuture<IsoMessage> slowAnswer = link.send(slow, Duration.ofSeconds(5)).toCompletableFuture();
    CompletableFuture<IsoMessage> fastAnswer = link.send(fast, Duration.ofSeconds(5)).toCompletableFuture();
    IsoMessage first = CompletableFuture.anyOf(slowAnswer, fastAnswer).thenApply(IsoMessage.class::cast)
        .get(5, TimeUnit.SECONDS);
    assertThat(IsoMessages.get(first, 11)).as("the fast one answers first").isEqualTo(IsoMessages.get(fast, 11));
    assertThat(IsoMessages.get(slowAnswer.get(5, TimeUnit.SECONDS), 11)).isEqualTo(IsoMessages.get(slow, 11));
    IsoMessage approved = fastAnswer.get();
    assertThat(IsoMessages.type(approved)).isEqualTo("0110");
    assertThat(IsoMessages.get(approved, 39)).isEqualTo("00");
    assertThat(IsoMessages.get(approved, 38)).isEqualTo("A1B2C3");
    assertThat(IsoMessages.get(approved, 2)).as("an odd-length PAN comes back unchanged").isEqualTo("378282246310005");

    ISOMsg seen = issuer.next();
    assertThat(seen.getMTI()).isEqualTo("0100");
    assertThat(field(seen, 2)).isEqualTo("378282246310005");
    assertThat(field(seen, 32)).isEqualTo("1234567");
    assertThat(field(seen, 4)).isEqualTo("000000001002");
    assertThat(field(seen, 49)).isEqualTo("978");
    assertThat(field(seen, 11)).isEqualTo(IsoMessages.get(slow, 11));
    assertThat(link.counts().answered()).isEqualTo(2);
  }

  @Test
  void aResponseAfterTheDeadlineFailsTheRequestAndIsCountedAsUnmatched() throws Exception {
    JposPeer issuer = issuer();
    issuer.answer(request -> "0100".equals(request.getString(0))
        ? new JposPeer.Answer(JposPeer.response(request, "00"), 800) : JposPeer.approve(request));
    IsoLink link = link(issuer.port(), 1, Duration.ofMinutes(5));
    awaitReady(link, 1);
    CompletableFuture<IsoMessage> answer = link.send(authorization(link, 500), Duration.ofMillis(200))
        .toCompletableFuture();
    assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
    eventually(() -> assertThat(link.counts().unmatched()).as("the late 0110 matched nothing").isEqualTo(1));
    assertThat(link.counts().timedOut()).isEqualTo(1);
  }

  @Test
  void anIdleConnectionSendsEchoes() throws Exception {
    JposPeer issuer = issuer();
    link(issuer.port(), 1, Duration.ofMillis(200));
    assertThat(field(issuer.next(), 70)).isEqualTo("001");
    ISOMsg echo = issuer.next();
    assertThat(echo.getMTI()).isEqualTo("0800");
    assertThat(field(echo, 70)).isEqualTo("301");
  }

  @Test
  void aDroppedConnectionFailsWhatWaitsOnItReconnectsAndSignsOnAgain() throws Exception {
    JposPeer issuer = issuer();
    issuer.answer(request -> "0100".equals(request.getString(0)) ? JposPeer.Answer.never()
        : JposPeer.approve(request));
    IsoLink link = link(issuer.port(), 2, Duration.ofMinutes(5));
    awaitReady(link, 2);
    CompletableFuture<IsoMessage> waiting = link.send(authorization(link, 700), Duration.ofSeconds(10))
        .toCompletableFuture();
    issuer.next();
    issuer.next();
    issuer.next();
    issuer.disconnectAll();
    assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(LinkFailure.class);
    issuer.answer(JposPeer::approve);
    awaitReady(link, 2);
    assertThat(field(issuer.next(), 70)).as("signed on again before use").isEqualTo("001");
    IsoMessage answer = link.send(authorization(link, 800), Duration.ofSeconds(5)).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertThat(IsoMessages.get(answer, 39)).isEqualTo("00");
    assertThat(link.counts().reconnects()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void withNoConnectionSignedOnARequestFailsAtOnce() {
    IsoLink link = link(1, 1, Duration.ofMinutes(5));
    assertThatThrownBy(() -> link.send(authorization(link, 100), Duration.ofSeconds(5)).toCompletableFuture().get())
        .hasCauseInstanceOf(LinkFailure.class);
  }

  /** Garbage from an issuer is counted, resets only that connection, and the link carries on. */
  @Test
  void garbageFromTheIssuerResetsTheConnectionAndTheLinkRecovers() throws Exception {
    try (ServerSocket peer = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
        try {
          for (int connection = 0; connection < 2; connection++) {
            Socket s = peer.accept();
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] signOn = new byte[in.readUnsignedShort()];
            in.readFully(signOn);
            byte[] ok = IsoMessages.bytes(IsoMessages.response(IsoMessages.parse(signOn), "00"));
            out.writeShort(ok.length);
            out.write(ok);
            if (connection == 0) {
              out.write(new byte[] {0, 5, 1, 2, 3, 4, 5});
            }
            out.flush();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      IsoLink link = link(peer.getLocalPort(), 1, Duration.ofMinutes(5));
      served.get(10, TimeUnit.SECONDS);
      eventually(() -> assertThat(link.counts().reconnects()).isGreaterThanOrEqualTo(1));
      assertThat(link.counts().protocolErrors()).isGreaterThanOrEqualTo(1);
      awaitReady(link, 1);
    }
  }
}
