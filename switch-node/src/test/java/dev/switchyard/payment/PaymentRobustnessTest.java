package dev.switchyard.payment;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UnknownFieldSet;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.protocol.v1.AuthorizationRequested;
import dev.switchyard.protocol.v1.PaymentEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A payment under pressure it cannot absorb: a full stash, and a journal written by a newer version. */
@ExtendWith(TestKitJUnit5Extension.class)
class PaymentRobustnessTest {

  private static final int STASH = 3;

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(
      ConfigFactory.parseString("pekko.persistence.typed.stash-capacity = " + STASH)
          .withFallback(PaymentFixture.config())).build();

  /** Hole 8: beyond the stash's capacity a request is answered OVERLOADED at once, not dropped in silence. */
  @Test
  void requestsBeyondAFullStashAreAnsweredOverloaded() {
    StashOverflow.start(testKit.system());
    ScriptedIssuer issuer = new ScriptedIssuer(0);
    PaymentFixture p = new PaymentFixture(testKit.system(), issuer, Duration.ofSeconds(30));
    p.authorize(5_000);
    TestProbe<Reply> acquirer = testKit.createTestProbe();
    p.sendIncrement("inc", 100, acquirer.ref());
    int sent = STASH + 2;
    for (int i = 0; i < sent; i++) {
      p.kit.runCommand(new PaymentCommand.Capture("cap-" + i, PaymentFixture.ACQUIRER, Money.of(1, "EUR"), false,
          acquirer.ref()));
    }
    List<Reply> shed = acquirer.receiveSeveralMessages(sent - STASH, Duration.ofSeconds(3));
    assertThat(shed).allSatisfy(r -> {
      assertThat(r.outcome()).isEqualTo(Outcome.OVERLOADED);
      assertThat(r.reason()).contains("nothing was done");
    });
    issuer.increments.remove().complete(IssuerGateway.Decision.approve("777777"));
    List<Reply> served = acquirer.receiveSeveralMessages(1 + STASH, Duration.ofSeconds(3));
    assertThat(served).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.APPROVED));
    assertThat(p.amounts().captured()).isEqualTo(STASH);
  }

  /** Hole 8 too: a result code added by a newer version, in an event this version knows. */
  @Test
  void anUnknownResultCodeInAKnownEventMakesThePaymentUnreadable() {
    String paymentId = PaymentIds.derive(PaymentFixture.ACQUIRER, "newer-code");
    EventSourcedBehaviorTestKit<PaymentCommand, PaymentEvent, Payment> kit = EventSourcedBehaviorTestKit.create(
        testKit.system(), PaymentEntity.create(paymentId, new PaymentEntity.Dependencies(
            PaymentFixture.settings(Duration.ofSeconds(2)), new IssuerSimulator(Duration.ZERO, 91, 0),
            new TestClock(), PaymentMetrics.NONE)));
    PaymentEvent first = PaymentEvent.newBuilder().setRequestId("auth").setAuthorizationRequested(
        AuthorizationRequested.newBuilder().setPaymentId(paymentId).setAcquirerId(PaymentFixture.ACQUIRER)
            .setAcquirerReference("newer-code").setMerchantId("m")
            .setAmount(Money.of(1_000, "EUR").toProto()).setCard(PaymentFixture.CARD.toProto())).build();
    PaymentEvent declined = PaymentEvent.newBuilder().setDeclined(
        dev.switchyard.protocol.v1.Declined.newBuilder().setResultValue(150).setReason("a new decline")).build();
    kit.persistenceTestKit().persistForRecovery("Payment|" + paymentId, List.of(first, declined));
    kit.restart();
    assertThat(kit.getState()).isInstanceOf(Payment.Unreadable.class);
    assertThat(((Payment.Unreadable) kit.getState()).why()).contains("result code this version does not know");
  }

  /**
   * Hole 8: an event type this version does not know (a newer version wrote it during a rolling upgrade) leaves
   * the payment unreadable: every command is answered at once, nothing is written, the node counts it and logs
   * it once, and the payment does not fail and restart in a loop.
   */
  @Test
  void anUnknownEventTypeMakesThePaymentUnreadableNotARestartLoop() {
    AtomicInteger unreadable = new AtomicInteger();
    AtomicInteger recoveries = new AtomicInteger();
    PaymentMetrics metrics = new PaymentMetrics() {
      @Override
      public void journalWrite(long nanos) {}

      @Override
      public void alive(int delta) {
        if (delta > 0) {
          recoveries.incrementAndGet();
        }
      }

      @Override
      public void unreadable() {
        unreadable.incrementAndGet();
      }
    };
    String paymentId = PaymentIds.derive(PaymentFixture.ACQUIRER, "from-the-future");
    EventSourcedBehaviorTestKit<PaymentCommand, PaymentEvent, Payment> kit = EventSourcedBehaviorTestKit.create(
        testKit.system(), PaymentEntity.create(paymentId, new PaymentEntity.Dependencies(
            PaymentFixture.settings(Duration.ofSeconds(2)), new IssuerSimulator(Duration.ZERO, 91, 0),
            new TestClock(), metrics)));
    PaymentEvent first = PaymentEvent.newBuilder().setRequestId("auth").setAuthorizationRequested(
        AuthorizationRequested.newBuilder().setPaymentId(paymentId).setAcquirerId(PaymentFixture.ACQUIRER)
            .setAcquirerReference("from-the-future").setMerchantId("m")
            .setAmount(Money.of(1_000, "EUR").toProto()).setCard(PaymentFixture.CARD.toProto())).build();
    // Field 99 of the event's oneof: a body this version has no case for.
    PaymentEvent future = PaymentEvent.newBuilder().setAtMillis(1).setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(
            com.google.protobuf.ByteString.copyFromUtf8("new")).build()).build()).build();
    // The kit's first incarnation must be done recovering its empty journal first: one that is still replaying
    // would read these events too, and count the payment unreadable a second time.
    assertThat(kit.getState()).isNotInstanceOf(Payment.Unreadable.class);
    kit.persistenceTestKit().persistForRecovery("Payment|" + paymentId, List.of(first, future));
    kit.restart();
    assertThat(kit.getState()).isInstanceOf(Payment.Unreadable.class);
    int recovered = recoveries.get();
    assertThat(((Payment.Unreadable) kit.getState()).why()).contains("does not know").contains("99");
    var capture = kit.<Reply>runCommand(r -> new PaymentCommand.Capture("c", PaymentFixture.ACQUIRER,
        Money.of(1, "EUR"), false, r));
    assertThat(capture.reply().outcome()).isEqualTo(Outcome.UNREADABLE);
    assertThat(ResultCodes.toWire(capture.reply().outcome()).name()).isEqualTo("SYSTEM_ERROR");
    assertThat(capture.hasNoEvents()).isTrue();
    var get = kit.<Reply>runCommand(r -> new PaymentCommand.Get("", r));
    assertThat(get.reply().outcome()).isEqualTo(Outcome.UNREADABLE);
    assertThat(unreadable.get()).as("counted once, when it recovered").isEqualTo(1);
    assertThat(recoveries.get()).as("answered without failing and restarting").isEqualTo(recovered);
  }
}
