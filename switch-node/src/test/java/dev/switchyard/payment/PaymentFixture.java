package dev.switchyard.payment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.persistence.TagSlices;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentReply;
import java.time.Duration;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;

/** One payment entity on the in-memory journal, with short helpers for the commands tests send. */
final class PaymentFixture {

  static final String ACQUIRER = "acq-1";
  static final Card CARD = new Card("411111", "1111", "ab".repeat(32), 12, 2030);

  static Config config() {
    return EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseResources("serialization.conf"))
        .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"));
  }

  static PaymentSettings settings(Duration issuerTimeout) {
    return new PaymentSettings(Duration.ofDays(7), issuerTimeout, Duration.ofMillis(20), Duration.ofMillis(200),
        Duration.ofDays(30), 5, true, new TagSlices("payment", 8));
  }

  final TestClock clock = new TestClock();
  final String paymentId;
  final EventSourcedBehaviorTestKit<PaymentEntity.Command, PaymentEvent, PaymentEntity.State> kit;

  PaymentFixture(ActorSystem<?> system, IssuerGateway issuer, Duration issuerTimeout) {
    this.paymentId = PaymentIds.derive(ACQUIRER, "ref-" + UUID.randomUUID());
    this.kit = EventSourcedBehaviorTestKit.create(system,
        PaymentEntity.create(paymentId, new PaymentEntity.Dependencies(settings(issuerTimeout), issuer, clock)));
  }

  PaymentFixture(ActorSystem<?> system) {
    this(system, new IssuerSimulator(Duration.ZERO, 91, 0), Duration.ofSeconds(2));
  }

  static String rid() {
    return "req-" + UUID.randomUUID();
  }

  CommandResultWithReply<PaymentEntity.Command, PaymentEvent, PaymentEntity.State, PaymentReply> authorize(
      long amount) {
    return authorize(rid(), amount, "EUR");
  }

  CommandResultWithReply<PaymentEntity.Command, PaymentEvent, PaymentEntity.State, PaymentReply> authorize(
      String requestId, long amount, String currency) {
    return kit.runCommand(r -> new PaymentEntity.Authorize(requestId, ACQUIRER, "ref", "m-1",
        Money.of(amount, currency), CARD, r));
  }

  CommandResultWithReply<PaymentEntity.Command, PaymentEvent, PaymentEntity.State, PaymentReply> capture(
      long amount, boolean isFinal) {
    return capture(rid(), amount, "EUR", isFinal);
  }

  CommandResultWithReply<PaymentEntity.Command, PaymentEvent, PaymentEntity.State, PaymentReply> capture(
      String requestId, long amount, String currency, boolean isFinal) {
    return kit.runCommand(r -> new PaymentEntity.Capture(requestId, ACQUIRER, Money.of(amount, currency), isFinal, r));
  }

  CommandResultWithReply<PaymentEntity.Command, PaymentEvent, PaymentEntity.State, PaymentReply> refund(
      long amount) {
    return refund(rid(), amount);
  }

  CommandResultWithReply<PaymentEntity.Command, PaymentEvent, PaymentEntity.State, PaymentReply> refund(
      String requestId, long amount) {
    return kit.runCommand(r -> new PaymentEntity.Refund(requestId, ACQUIRER, Money.of(amount, "EUR"), r));
  }

  CommandResultWithReply<PaymentEntity.Command, PaymentEvent, PaymentEntity.State, PaymentReply> voidIt() {
    return kit.runCommand(r -> new PaymentEntity.VoidAuthorization(rid(), ACQUIRER, r));
  }

  CommandResultWithReply<PaymentEntity.Command, PaymentEvent, PaymentEntity.State, PaymentReply> increment(
      long amount) {
    return kit.runCommand(r -> new PaymentEntity.IncrementAuthorization(rid(), ACQUIRER, Money.of(amount, "EUR"), r));
  }

  CommandResultWithReply<PaymentEntity.Command, PaymentEvent, PaymentEntity.State, PaymentReply> openDispute(
      String disputeId, long amount) {
    return kit.runCommand(r -> new PaymentEntity.OpenDispute(rid(), disputeId, Money.of(amount, "EUR"), "10.4", 0, r));
  }

  CommandResultWithReply<PaymentEntity.Command, PaymentEvent, PaymentEntity.State, PaymentReply> get() {
    return kit.runCommand(r -> new PaymentEntity.Get(ACQUIRER, r));
  }

  Payment payment() {
    return (Payment) kit.getState();
  }

  /** Authorizes and captures {@code amount} in full. */
  void captured(long amount) {
    authorize(amount);
    capture(amount, false);
  }
}
