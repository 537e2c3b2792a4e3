package dev.switchyard.payment;

import dev.switchyard.bench.BenchmarkBase;
import dev.switchyard.protocol.v1.AuthorizationRequested;
import dev.switchyard.protocol.v1.Authorized;
import dev.switchyard.protocol.v1.PaymentEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The entity's own work per command, without the actor and the journal: check a capture against the state
 * (the business rules), build its event, apply it to get the new state (which also records the answer for
 * idempotency), and hash the parameters. Also the two hashes the gateway computes for every request: the card's
 * keyed hash and the payment id.
 */
@State(Scope.Benchmark)
public class CommandHandlingBenchmark extends BenchmarkBase {

  private final CardProtector protector = new CardProtector("a-benchmark-key-of-enough-length");
  private Open authorized;
  private PaymentCommand.Capture capture;

  @Setup
  public void setUp() {
    PaymentEvent requested = PaymentEvent.newBuilder().setRequestId("auth-1").setParamsHash(1)
        .setAuthorizationRequested(AuthorizationRequested.newBuilder()
            .setPaymentId("pay_0123456789abcdef0123456789abcdef").setAcquirerId("acq").setAcquirerReference("o-1")
            .setMerchantId("m-1").setAmount(Money.of(10_000, "EUR").toProto())
            .setCard(new Card("411111", "1111", "ab".repeat(32), 12, 2030).toProto())
            .setIssuerDeadlineMillis(1))
        .build();
    authorized = (Open) new Payment.Empty().apply(requested).apply(PaymentEvent.newBuilder()
        .setAuthorized(Authorized.newBuilder().setAuthCode("123456").setExpiresAtMillis(Long.MAX_VALUE)).build());
    capture = new PaymentCommand.Capture("cap-1", "acq", Money.of(4_000, "EUR"), false, null);
  }

  @Benchmark
  public Payment decideAndApplyCapture() {
    Decision decision = authorized.capture(capture, 0L);
    PaymentEvent event = ((Decision.Accept) decision).event()
        .setRequestId(capture.requestId()).setParamsHash(capture.paramsHash()).build();
    return authorized.apply(event);
  }

  @Benchmark
  public long paramsHash() {
    return capture.paramsHash();
  }

  @Benchmark
  public String cardHash() {
    return protector.hash("4111111111111111");
  }

  @Benchmark
  public String paymentId() {
    return PaymentIds.derive("acq", "order-0000001");
  }
}
