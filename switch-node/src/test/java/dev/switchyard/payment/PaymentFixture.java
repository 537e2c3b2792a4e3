package dev.switchyard.payment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.persistence.TagSlices;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.PaymentView;
import java.time.Duration;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;

/** One payment entity on the in-memory journal, with short helpers for the commands tests send. */
final class PaymentFixture {

  static final String ACQUIRER = "acq-1";
  static final Card CARD = new Card("411111", "1111", "ab".repeat(32), 12, 2030);
  static final Pan PAN = new Pan("4111111111111111");


  static Config config() {
    return EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseResources("serialization.conf"))
        .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"));
  }

  static PaymentSettings settings(Duration issuerTimeout) {
    return new PaymentSettings(Duration.ofDays(7), issuerTimeout, Duration.ofMillis(20), Duration.ofMillis(200),
        Duration.ofDays(30), 64, 5, true, new TagSlices("payment", 8));
  }

  final TestClock clock = new TestClock();
  final String paymentId;
  final EventSourcedBehaviorTestKit<PaymentCommand, PaymentEvent, Payment> kit;

  PaymentFixture(ActorSystem<?> system, IssuerGateway issuer, PaymentSettings settings) {
    this.paymentId = PaymentIds.derive(ACQUIRER, "ref-" + UUID.randomUUID());
    this.kit = EventSourcedBehaviorTestKit.create(system,
        PaymentEntity.create(paymentId, new PaymentEntity.Dependencies(settings, issuer, clock, PaymentMetrics.NONE)));
  }

  PaymentFixture(ActorSystem<?> system, IssuerGateway issuer, Duration issuerTimeout) {
    this(system, issuer, settings(issuerTimeout));
  }

  PaymentFixture(ActorSystem<?> system) {
    this(system, new IssuerSimulator(Duration.ZERO, 91, 0), Duration.ofSeconds(2));
  }

  static String rid() {
    return "req-" + UUID.randomUUID();
  }

  CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> run(
      java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<Reply>, PaymentCommand> command) {
    return kit.runCommand(command::apply);
  }

  CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> authorize(long amount) {
    return authorize(rid(), amount, "EUR");
  }

  CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> authorize(
      String requestId, long amount, String currency) {
    return run(r -> new PaymentCommand.Authorize(requestId, ACQUIRER, "ref", "m-1", Money.of(amount, currency),
        CARD, PAN, r));
  }

  CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> capture(long amount, boolean isFinal) {
    return capture(rid(), amount, "EUR", isFinal);
  }

  CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> capture(
      String requestId, long amount, String currency, boolean isFinal) {
    return run(r -> new PaymentCommand.Capture(requestId, ACQUIRER, Money.of(amount, currency), isFinal, r));
  }

  CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> refund(long amount) {
    return refund(rid(), amount);
  }

  CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> refund(String requestId, long amount) {
    return run(r -> new PaymentCommand.Refund(requestId, ACQUIRER, Money.of(amount, "EUR"), r));
  }

  CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> voidIt() {
    return run(r -> new PaymentCommand.VoidAuthorization(rid(), ACQUIRER, r));
  }

  CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> increment(long amount) {
    return increment(rid(), amount);
  }

  CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> increment(String requestId, long amount) {
    return run(r -> new PaymentCommand.IncrementAuthorization(requestId, ACQUIRER, Money.of(amount, "EUR"), r));
  }

  /** Sends an increment without waiting for its answer, which goes to {@code replyTo} once the issuer decides. */
  void sendIncrement(String requestId, long amount, org.apache.pekko.actor.typed.ActorRef<Reply> replyTo) {
    kit.runCommand(new PaymentCommand.IncrementAuthorization(requestId, ACQUIRER, Money.of(amount, "EUR"), replyTo));
  }

  CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> openDispute(String disputeId, long amount) {
    return run(r -> new PaymentCommand.OpenDispute(rid(), disputeId, Money.of(amount, "EUR"), "10.4", 0, r));
  }

  CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> decideDispute(String disputeId, boolean won) {
    return run(r -> new PaymentCommand.DecideDispute(rid(), disputeId, won, r));
  }

  EventSourcedBehaviorTestKit.CommandResult<PaymentCommand, PaymentEvent, Payment> wakeUp() {
    return kit.runCommand(new PaymentCommand.WakeUp());
  }

  Payment.Live live() {
    return (Payment.Live) kit.getState();
  }

  /** The payment as an answer shows it. */
  PaymentView view() {
    return live().view();
  }

  PaymentState status() {
    return live().status();
  }

  Amounts amounts() {
    return live().amounts();
  }

  /** Authorizes and captures {@code amount} in full. */
  void captured(long amount) {
    authorize(amount);
    capture(amount, false);
  }
}
