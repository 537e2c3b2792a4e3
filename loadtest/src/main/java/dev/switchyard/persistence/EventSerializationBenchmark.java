package dev.switchyard.persistence;

import dev.switchyard.bench.BenchmarkBase;
import dev.switchyard.protocol.v1.AuthorizationRequested;
import dev.switchyard.protocol.v1.CardFingerprint;
import dev.switchyard.protocol.v1.Captured;
import dev.switchyard.protocol.v1.Money;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The journal's serializer on the two most frequent events: the authorization request and a capture. */
@State(Scope.Benchmark)
public class EventSerializationBenchmark extends BenchmarkBase {

  private final ProtobufSerializer serializer = new ProtobufSerializer(null);
  private PaymentEvent authorization;
  private PaymentEvent capture;
  private byte[] authorizationBytes;
  private String manifest;

  @Setup
  public void setUp() {
    Money amount = Money.newBuilder().setMinorUnits(12_345).setCurrency("EUR").build();
    authorization = PaymentEvent.newBuilder()
        .setAtMillis(System.currentTimeMillis()).setRequestId("req-7f3a9c2e-5b1d-4e8f-a6c4-2d9b8e7f1a3c")
        .setParamsHash(0x1234_5678_9abc_def0L).setAcquirerId("acquirer-01").setStateAfter(PaymentState.AUTHORIZING)
        .setAuthorizationRequested(AuthorizationRequested.newBuilder()
            .setPaymentId("pay_0123456789abcdef0123456789abcdef").setAcquirerId("acquirer-01")
            .setAcquirerReference("order-2026-11-23-000042").setMerchantId("merchant-0042").setAmount(amount)
            .setCard(CardFingerprint.newBuilder().setBin("411111").setLast4("1111").setPanHash("ab".repeat(32))
                .setExpiryMonth(12).setExpiryYear(2030))
            .setIssuerDeadlineMillis(System.currentTimeMillis() + 10_000))
        .build();
    capture = PaymentEvent.newBuilder()
        .setAtMillis(System.currentTimeMillis()).setRequestId("req-8a4b0d3f-6c2e-4f90-b7d5-3e0c9f8a2b4d")
        .setParamsHash(42L).setAcquirerId("acquirer-01").setStateAfter(PaymentState.CAPTURED)
        .setCaptured(Captured.newBuilder().setAmount(amount).setFinal(true))
        .build();
    authorizationBytes = serializer.toBinary(authorization);
    manifest = serializer.manifest(authorization);
  }

  @Benchmark
  public byte[] serializeAuthorization() {
    return serializer.toBinary(authorization);
  }

  @Benchmark
  public byte[] serializeCapture() {
    return serializer.toBinary(capture);
  }

  @Benchmark
  public Object deserializeAuthorization() throws Exception {
    return serializer.fromBinary(authorizationBytes, manifest);
  }
}
