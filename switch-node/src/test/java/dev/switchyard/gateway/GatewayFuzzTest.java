package dev.switchyard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchyard.payment.CardProtector;
import dev.switchyard.payment.PaymentCommand;
import dev.switchyard.payment.Reply;
import dev.switchyard.protocol.codec.FrameCodecs;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.Hello;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.AskTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.slf4j.LoggerFactory;

/**
 * Fuzz tests of what an acquirer can send: raw bytes through a connection's whole pipeline (frame decoder,
 * Protobuf, hello, admission, validation, mapping), and decoded requests through the validator and the mapper.
 * In {@code mvn test} they replay the committed inputs under {@code GatewayFuzzTestInputs/}; with
 * {@code JAZZER_FUZZ=1} they fuzz (docs/security.md, "Fuzzing").
 */
class GatewayFuzzTest {

  private static final GatewaySettings SETTINGS = new GatewaySettings("127.0.0.1", 0, 4096, 8, 64, 0.8,
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(120),
      Duration.ofSeconds(10), 100_000_000_000L, 0, 256, 1024, Map.of("acq-a", "secret-a"),
      GatewayTls.Settings.off(), false, AcquirerLimits.Settings.none());
  private static final CardProtector CARDS = new CardProtector("a-test-key-of-enough-length");
  private static final RequestValidator VALIDATOR = new RequestValidator(SETTINGS.maxAmountMinor(), Clock.systemUTC());
  private static final RequestMapper MAPPER = new RequestMapper(CARDS);
  private static final byte[] HELLO = delimited(AcquirerRequest.newBuilder().setCorrelationId(1)
      .setHello(Hello.newBuilder().setAcquirerId("acq-a").setSecret("secret-a")).build());

  /** Every payment the fuzzed requests reach does not answer in time: the gateway's TIMEOUT path. */
  private static final GatewayBackend SILENT = new GatewayBackend() {
    @Override
    public CompletionStage<Reply> ask(String paymentId, Function<ActorRef<Reply>, PaymentCommand> command,
        Duration timeout) {
      try {
        command.apply(null);
      } catch (Exception e) {
        throw new IllegalStateException("the mapped command cannot be built", e);
      }
      return CompletableFuture.failedFuture(new AskTimeoutException("fuzz"));
    }

    @Override
    public String nodeName() {
      return "fuzz";
    }
  };

  private final ListAppender<ILoggingEvent> errors = new ListAppender<>();
  private final Logger gatewayLog = (Logger) LoggerFactory.getLogger("dev.switchyard.gateway");

  @BeforeEach
  void watchErrors() {
    errors.start();
    gatewayLog.addAppender(errors);
  }

  @AfterEach
  void stopWatching() {
    gatewayLog.detachAppender(errors);
  }

  /**
   * Any bytes after a good hello: the connection answers, or closes itself, and nothing escapes its pipeline or is
   * logged as an unexpected failure inside the switch.
   */
  @FuzzTest(maxDuration = "10s")
  void framesAfterAHello(byte[] data) {
    NodeLoad node = new NodeLoad();
    GatewayInitializer init = new GatewayInitializer(SETTINGS, node, new GatewayStats(), VALIDATOR, MAPPER, SILENT,
        null, null);
    EmbeddedChannel ch = new EmbeddedChannel();
    FrameCodecs.server(ch.pipeline(), SETTINGS.maxFrameBytes());
    ch.pipeline().addLast("hello", new HelloHandler(SETTINGS, new GatewayStats(), "fuzz", null, init.session()));
    ch.pipeline().addLast("errors", new ConnectionErrors());
    ch.writeInbound(Unpooled.wrappedBuffer(HELLO));
    assertThat(ch.isActive()).as("the hello opened the session, so the bytes reach the requests' handlers").isTrue();
    ch.writeInbound(Unpooled.wrappedBuffer(data));
    ch.runPendingTasks();
    ch.checkException();
    for (Object out; (out = ch.readOutbound()) != null; ) {
      assertThat(out).isInstanceOf(ByteBuf.class);
      ReferenceCountUtil.release(out);
    }
    ch.finishAndReleaseAll();
    assertThat(node.inFlight()).as("every slot freed").isZero();
    assertThat(errors.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).toList()).isEmpty();
  }

  /**
   * Any request that decodes: the validator names a field and a reason, or the request maps to a command without
   * an exception.
   */
  @FuzzTest(maxDuration = "10s")
  void decodedRequests(byte[] data) {
    AcquirerRequest request;
    try {
      request = AcquirerRequest.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    RequestValidator.Problem problem = VALIDATOR.validate(request);
    if (problem != null) {
      assertThat(problem.field()).isNotBlank();
      assertThat(problem.reason()).isNotBlank();
      return;
    }
    if (!request.hasHello()) {
      assertThat(MAPPER.map("acq-a", request)).isNotNull();
    }
  }

  static byte[] delimited(AcquirerRequest request) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      request.writeDelimitedTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
