package dev.switchyard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.payment.CardProtector;
import dev.switchyard.payment.PaymentCommand;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.payment.Reply;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.Authorize;
import dev.switchyard.protocol.v1.CardData;
import dev.switchyard.protocol.v1.Capture;
import dev.switchyard.protocol.v1.GetPayment;
import dev.switchyard.protocol.v1.Hello;
import dev.switchyard.protocol.v1.Money;
import dev.switchyard.protocol.v1.PaymentView;
import dev.switchyard.protocol.v1.ResultCode;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.AskTimeoutException;
import org.junit.jupiter.api.Test;

/** The gateway's handlers on an in-memory channel, against a backend the test answers by hand. */
class GatewayHandlersTest {

  private static final String PAN = "4111111111111111";

  /** One ask the handlers made. */
  private record Asked(String paymentId, PaymentCommand command, Duration timeout, CompletableFuture<Reply> answer) {}

  private static final class FakeBackend implements GatewayBackend {
    final List<Asked> asked = new ArrayList<>();

    @Override
    public CompletionStage<Reply> ask(String paymentId, Function<ActorRef<Reply>, PaymentCommand> command,
        Duration timeout) {
      CompletableFuture<Reply> answer = new CompletableFuture<>();
      try {
        asked.add(new Asked(paymentId, command.apply(null), timeout, answer));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return answer;
    }

    @Override
    public String nodeName() {
      return "node-under-test";
    }
  }

  private static GatewaySettings settings(int perConnection, int perNode) {
    return new GatewaySettings("127.0.0.1", 0, 65_536, perConnection, perNode, 0.5, Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofSeconds(10),
        100_000_000_000L, 0, 256, 1024, Map.of("acq-a", "secret-a"), GatewayTls.Settings.off(), false,
        AcquirerLimits.Settings.none());
  }

  private final FakeBackend backend = new FakeBackend();
  private final NodeLoad node = new NodeLoad();
  private final CardProtector cards = new CardProtector("a-test-key-of-enough-length");

  private EmbeddedChannel channel(GatewaySettings settings) {
    GatewayInitializer init = new GatewayInitializer(settings, node, new GatewayStats(),
        new RequestValidator(settings.maxAmountMinor(), Clock.systemUTC()), new RequestMapper(cards), backend, null, null);
    return new EmbeddedChannel(new HelloHandler(settings, new GatewayStats(), backend.nodeName(), null, init.session()),
        new ConnectionErrors());
  }

  private static AcquirerRequest hello(String acquirer, String secret) {
    return AcquirerRequest.newBuilder().setCorrelationId(1)
        .setHello(Hello.newBuilder().setAcquirerId(acquirer).setSecret(secret)).build();
  }

  private static AcquirerRequest authorize(long correlation, String ref) {
    return AcquirerRequest.newBuilder().setCorrelationId(correlation).setRequestId("r-" + correlation)
        .setAuthorize(Authorize.newBuilder().setAcquirerReference(ref).setMerchantId("m")
            .setAmount(Money.newBuilder().setMinorUnits(1_000).setCurrency("EUR"))
            .setCard(CardData.newBuilder().setPan(PAN).setExpiryMonth(12).setExpiryYear(2099)))
        .build();
  }

  private static AcquirerRequest get(long correlation) {
    return AcquirerRequest.newBuilder().setCorrelationId(correlation)
        .setGet(GetPayment.newBuilder().setAcquirerReference("ref")).build();
  }

  private EmbeddedChannel session(GatewaySettings settings) {
    EmbeddedChannel ch = channel(settings);
    ch.writeInbound(hello("acq-a", "secret-a"));
    AcquirerResponse accepted = ch.readOutbound();
    assertThat(accepted.getResult()).isEqualTo(ResultCode.APPROVED);
    return ch;
  }

  private static AcquirerResponse answer(EmbeddedChannel ch) {
    ch.runPendingTasks();
    return ch.readOutbound();
  }

  @Test
  void aHelloReplacesTheHelloHandlerWithAdmissionAndRequestsBoundToTheAcquirer() {
    EmbeddedChannel ch = channel(settings(4, 100));
    ch.writeInbound(hello("acq-a", "secret-a"));
    AcquirerResponse accepted = ch.readOutbound();
    assertThat(accepted.getHello().getNode()).isEqualTo("node-under-test");
    assertThat(accepted.getHello().getMaxInFlight()).isEqualTo(4);
    assertThat(ch.pipeline().names()).contains("admission", "requests").doesNotContain("hello");
    ch.writeInbound(get(2));
    assertThat(backend.asked).singleElement().satisfies(a -> {
      assertThat(a.paymentId()).isEqualTo(PaymentIds.derive("acq-a", "ref"));
      assertThat(a.command()).isEqualTo(new PaymentCommand.Get("acq-a", null));
    });
  }

  @Test
  void aRequestBeforeTheHelloIsRefusedAndTheConnectionClosed() {
    EmbeddedChannel ch = channel(settings(4, 100));
    ch.writeInbound(get(7));
    AcquirerResponse refused = ch.readOutbound();
    assertThat(refused.getResult()).isEqualTo(ResultCode.UNAUTHENTICATED);
    assertThat(refused.getCorrelationId()).isEqualTo(7);
    assertThat(ch.isOpen()).isFalse();
    assertThat(backend.asked).isEmpty();
  }

  @Test
  void aWrongSecretIsRefusedAndTheConnectionClosed() {
    EmbeddedChannel ch = channel(settings(4, 100));
    ch.writeInbound(hello("acq-a", "not-it"));
    AcquirerResponse refused = ch.readOutbound();
    assertThat(refused.getResult()).isEqualTo(ResultCode.UNAUTHENTICATED);
    assertThat(refused.getField()).isEqualTo("hello.secret");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void anAuthorizationReachesItsPaymentWithTheCardProtectedAndWaitsForTheIssuerDeadline() {
    EmbeddedChannel ch = session(settings(4, 100));
    ch.writeInbound(authorize(3, "order-9"));
    Asked asked = backend.asked.get(0);
    assertThat(asked.paymentId()).isEqualTo(PaymentIds.derive("acq-a", "order-9"));
    PaymentCommand.Authorize command = (PaymentCommand.Authorize) asked.command();
    assertThat(command.card().bin()).isEqualTo("411111");
    assertThat(command.card().last4()).isEqualTo("1111");
    assertThat(command.card().panHash()).isEqualTo(cards.hash(PAN)).doesNotContain(PAN);
    assertThat(command.toString()).doesNotContain(PAN);
    assertThat(asked.timeout()).as("issuer deadline plus the request timeout").isEqualTo(Duration.ofSeconds(15));
    asked.answer().complete(Reply.of(dev.switchyard.payment.Outcome.INSUFFICIENT_FUNDS, "", "no funds",
        PaymentView.newBuilder().setPaymentId(asked.paymentId()).build()));
    AcquirerResponse response = answer(ch);
    assertThat(response.getCorrelationId()).isEqualTo(3);
    assertThat(response.getResult()).isEqualTo(ResultCode.INSUFFICIENT_FUNDS);
  }

  @Test
  void anInvalidRequestIsAnsweredWithItsFieldAndNoPaymentIsAsked() {
    EmbeddedChannel ch = session(settings(4, 100));
    ch.writeInbound(AcquirerRequest.newBuilder().setCorrelationId(4).setRequestId("r")
        .setCapture(Capture.newBuilder().setPaymentId("nope")).build());
    AcquirerResponse refused = answer(ch);
    assertThat(refused.getResult()).isEqualTo(ResultCode.INVALID_REQUEST);
    assertThat(refused.getField()).isEqualTo("capture.payment_id");
    assertThat(backend.asked).isEmpty();
  }

  @Test
  void beyondTheConnectionsLimitTheAnswerIsOverloadedAtOnceAndAnAnswerFreesItsSlot() {
    EmbeddedChannel ch = session(settings(2, 100));
    ch.writeInbound(get(1), get(2), get(3));
    AcquirerResponse shed = answer(ch);
    assertThat(shed.getCorrelationId()).isEqualTo(3);
    assertThat(shed.getResult()).isEqualTo(ResultCode.OVERLOADED);
    assertThat(shed.getReason()).contains("on this connection");
    assertThat(backend.asked).hasSize(2);
    backend.asked.get(0).answer().complete(Reply.notFound());
    assertThat(answer(ch).getCorrelationId()).isEqualTo(1);
    ch.writeInbound(get(4));
    assertThat(backend.asked).hasSize(3);
    assertThat(node.inFlight()).isEqualTo(2);
  }

  @Test
  void beyondTheNodesLimitTheAnswerIsOverloadedOverAllConnections() {
    EmbeddedChannel one = session(settings(10, 3));
    EmbeddedChannel two = session(settings(10, 3));
    one.writeInbound(get(1), get(2));
    two.writeInbound(get(1), get(2));
    AcquirerResponse shed = answer(two);
    assertThat(shed.getResult()).isEqualTo(ResultCode.OVERLOADED);
    assertThat(shed.getReason()).contains("on this node");
    assertThat(backend.asked).hasSize(3);
  }

  @Test
  void newPaymentsAreShedFirstSoThatPaymentsLetInCanFinish() {
    EmbeddedChannel ch = session(settings(10, 4));
    ch.writeInbound(authorize(1, "o-1"), authorize(2, "o-2"), authorize(3, "o-3"));
    AcquirerResponse shed = answer(ch);
    assertThat(shed.getCorrelationId()).isEqualTo(3);
    assertThat(shed.getResult()).isEqualTo(ResultCode.OVERLOADED);
    assertThat(shed.getReason()).contains("new payments");
    ch.writeInbound(get(4), get(5));
    assertThat(backend.asked).as("two authorizations, then the slots kept for payments let in").hasSize(4);
    ch.writeInbound(get(6));
    assertThat(((AcquirerResponse) answer(ch)).getReason()).contains("requests in flight on this node");
  }

  @Test
  void aClosedConnectionGivesItsSlotsBackToTheNode() {
    EmbeddedChannel ch = session(settings(10, 10));
    ch.writeInbound(get(1), get(2));
    assertThat(node.inFlight()).isEqualTo(2);
    ch.close();
    assertThat(node.inFlight()).isZero();
    backend.asked.forEach(a -> a.answer().complete(Reply.notFound()));
    ch.runPendingTasks();
    assertThat(node.inFlight()).isZero();
  }

  @Test
  void whileTheNodeDrainsRequestsAreAnsweredShuttingDown() {
    EmbeddedChannel ch = session(settings(10, 10));
    node.drain();
    ch.writeInbound(get(5));
    AcquirerResponse refused = answer(ch);
    assertThat(refused.getResult()).isEqualTo(ResultCode.SHUTTING_DOWN);
    assertThat(backend.asked).isEmpty();
  }

  @Test
  void aPaymentThatDoesNotAnswerInTimeIsTimeoutAndAFailureNeverShowsItsText() {
    EmbeddedChannel ch = session(settings(10, 10));
    ch.writeInbound(get(1), get(2));
    backend.asked.get(0).answer().completeExceptionally(new AskTimeoutException("Ask timed out on [Actor x]"));
    backend.asked.get(1).answer().completeExceptionally(new IllegalStateException("secret internal detail"));
    AcquirerResponse first = answer(ch);
    AcquirerResponse second = ch.readOutbound();
    assertThat(first.getResult()).isEqualTo(ResultCode.TIMEOUT);
    assertThat(first.getReason()).contains("5000 ms").doesNotContain("Actor");
    assertThat(second.getResult()).isEqualTo(ResultCode.SYSTEM_ERROR);
    assertThat(second.getReason()).doesNotContain("secret internal detail");
  }

  @Test
  void anIdleConnectionWhoseAnswersAreNotReadIsClosedWithoutWaitingForALastWrite() {
    EmbeddedChannel ch = session(settings(1_000, 1_000));
    ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(64, 256));
    AcquirerRequest bad = AcquirerRequest.newBuilder().setCorrelationId(9).setRequestId("r")
        .setCapture(Capture.newBuilder().setPaymentId("nope")).build();
    for (int i = 0; i < 100 && ch.isWritable(); i++) {
      ch.pipeline().fireChannelRead(bad);
    }
    ch.pipeline().fireUserEventTriggered(io.netty.handler.timeout.IdleStateEvent.ALL_IDLE_STATE_EVENT);
    assertThat(ch.isOpen()).isFalse();
  }

  /** Hole 10: answers piling up unread stop the reading of the connection, and reading resumes once they drain. */
  @Test
  void aConnectionWhoseAnswersAreNotReadIsNotReadEither() {
    EmbeddedChannel ch = session(settings(1_000, 1_000));
    ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(64, 256));
    AcquirerRequest bad = AcquirerRequest.newBuilder().setCorrelationId(9).setRequestId("r")
        .setCapture(Capture.newBuilder().setPaymentId("nope")).build();
    for (int i = 0; i < 100 && ch.config().isAutoRead(); i++) {
      ch.pipeline().fireChannelRead(bad);
    }
    assertThat(ch.isWritable()).isFalse();
    assertThat(ch.config().isAutoRead()).as("reading stops above the high watermark").isFalse();
    ch.flushOutbound();
    assertThat(ch.isWritable()).isTrue();
    assertThat(ch.config().isAutoRead()).as("and resumes below the low one").isTrue();
  }
}
