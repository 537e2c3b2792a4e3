package dev.switchyard.payment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.persistence.ProtobufSerializer;
import dev.switchyard.protocol.v1.AuthorizationExpired;
import dev.switchyard.protocol.v1.AuthorizationInDoubt;
import dev.switchyard.protocol.v1.AuthorizationIncremented;
import dev.switchyard.protocol.v1.AuthorizationRequested;
import dev.switchyard.protocol.v1.Authorized;
import dev.switchyard.protocol.v1.Captured;
import dev.switchyard.protocol.v1.Declined;
import dev.switchyard.protocol.v1.DisputeClosed;
import dev.switchyard.protocol.v1.DisputeEvidenceSubmitted;
import dev.switchyard.protocol.v1.DisputeOpened;
import dev.switchyard.protocol.v1.DisputeReopened;
import dev.switchyard.protocol.v1.DisputeState;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.Refunded;
import dev.switchyard.protocol.v1.ResultCode;
import dev.switchyard.protocol.v1.Reversed;
import dev.switchyard.protocol.v1.IncrementDeclined;
import dev.switchyard.protocol.v1.IncrementRequested;
import dev.switchyard.protocol.v1.IncrementWithdrawn;
import dev.switchyard.protocol.v1.RequestRefused;
import dev.switchyard.protocol.v1.ReversalFailed;
import dev.switchyard.protocol.v1.ReversalKind;
import dev.switchyard.protocol.v1.Voided;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every journal event and every snapshot goes through Pekko serialization and comes back equal. */
@ExtendWith(TestKitJUnit5Extension.class)
class SerializationTest {

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(PaymentFixture.config()).build();

  static List<PaymentEvent> everyEvent() {
    var money = Money.of(1234, "EUR").toProto();
    PaymentEvent.Builder base = PaymentEvent.newBuilder()
        .setAtMillis(1_790_000_000_000L).setRequestId("req-1").setParamsHash(-42L).setAcquirerId("acq")
        .setStateAfter(PaymentState.AUTHORIZED);
    return List.of(
        base.clone().setAuthorizationRequested(AuthorizationRequested.newBuilder().setPaymentId("pay_1")
            .setAcquirerId("acq").setAcquirerReference("ref").setMerchantId("m").setAmount(money)
            .setCard(PaymentFixture.CARD.toProto()).setIssuerDeadlineMillis(5)).build(),
        base.clone().setAuthorized(Authorized.newBuilder().setAuthCode("123456").setExpiresAtMillis(9)).build(),
        base.clone().setDeclined(Declined.newBuilder().setResult(ResultCode.DO_NOT_HONOR).setReason("no")).build(),
        base.clone().setInDoubt(AuthorizationInDoubt.newBuilder().setReason("timeout").setNextRetryAtMillis(3)).build(),
        base.clone().setReversed(Reversed.newBuilder().setAttempts(2)).build(),
        base.clone().setIncremented(AuthorizationIncremented.newBuilder().setAmount(money).setAuthCode("9")).build(),
        base.clone().setCaptured(Captured.newBuilder().setAmount(money).setFinal(true)).build(),
        base.clone().setVoided(Voided.getDefaultInstance()).build(),
        base.clone().setRefunded(Refunded.newBuilder().setAmount(money)).build(),
        base.clone().setExpired(AuthorizationExpired.newBuilder().setReleasedMinor(7)).build(),
        base.clone().setDisputeOpened(DisputeOpened.newBuilder().setDisputeId("d").setAmount(money)
            .setReasonCode("10.4").setRespondByMillis(1)).build(),
        base.clone().setDisputeEvidenceSubmitted(DisputeEvidenceSubmitted.newBuilder().setDisputeId("d")
            .setEvidenceRef("doc")).build(),
        base.clone().setDisputeClosed(DisputeClosed.newBuilder().setDisputeId("d").setOutcome(DisputeState.LOST)
            .setReason("lost")).build(),
        base.clone().setDisputeReopened(DisputeReopened.newBuilder().setDisputeId("d").setReasonCode("4837")
            .setRespondByMillis(2)).build(),
        base.clone().setIncrementRequested(IncrementRequested.newBuilder().setAmount(money)
            .setIssuerDeadlineMillis(4)).build(),
        base.clone().setIncrementDeclined(IncrementDeclined.newBuilder().setResult(ResultCode.INSUFFICIENT_FUNDS)
            .setReason("no")).build(),
        base.clone().setIncrementWithdrawn(IncrementWithdrawn.newBuilder().setResult(ResultCode.ISSUER_UNAVAILABLE)
            .setReason("no issuer answer in time").setAmount(money).setNextRetryAtMillis(6)).build(),
        base.clone().setReversalFailed(ReversalFailed.newBuilder().setKind(ReversalKind.REVERSAL_OF_INCREMENT)
            .setAttempts(3).setNextRetryAtMillis(8)).build(),
        base.clone().setRequestRefused(RequestRefused.newBuilder().setResult(ResultCode.INVALID_STATE)
            .setField("payment_id").setReason("not now")).build(),
        base.clone().setRiskAssessed(dev.switchyard.protocol.v1.RiskAssessed.newBuilder()
            .setOperation(dev.switchyard.protocol.v1.RiskOperation.RISK_AUTHORIZATION)
            .setDecision(dev.switchyard.protocol.v1.RiskDecision.RISK_REVIEW).setScore(300)
            .addReasons("abroad").addExplanations("card issued in GB, merchant in DE")
            .setInputs(dev.switchyard.protocol.v1.RiskInputs.newBuilder().setCardBin("411111").setCardLast4("1111")
                .setCardHash("ab").setMerchantCountry("DE").setCardCountry("GB"))
            .addRules(dev.switchyard.protocol.v1.RiskRuleResult.newBuilder().setRule("abroad")
                .setKind("country-mismatch").setApplicable(true).setObserved(1).setTriggered(true).setScore(300))
            .setRuleSetVersion(2).setDurationMicros(140)).build());
  }

  @Test
  void theSampleCoversEveryEventType() {
    Set<PaymentEvent.BodyCase> covered =
        everyEvent().stream().map(PaymentEvent::getBodyCase).collect(Collectors.toSet());
    Set<PaymentEvent.BodyCase> all = EnumSet.allOf(PaymentEvent.BodyCase.class);
    all.remove(PaymentEvent.BodyCase.BODY_NOT_SET);
    assertThat(covered).isEqualTo(all);
  }

  @Test
  void everyEventRoundTripsThroughTheProtobufSerializerWithAStableManifest() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    for (PaymentEvent event : everyEvent()) {
      Serializer serializer = serialization.findSerializerFor(event);
      assertThat(serializer).isInstanceOf(ProtobufSerializer.class);
      String manifest = Serializers.manifestFor(serializer, event);
      assertThat(manifest).isEqualTo("switchyard.v1.PaymentEvent");
      byte[] bytes = serialization.serialize(event).get();
      assertThat(serialization.deserialize(bytes, serializer.identifier(), manifest).get()).isEqualTo(event);
    }
  }

  private Object roundTrip(Object value) throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    Serializer serializer = serialization.findSerializerFor(value);
    assertThat(serializer).isInstanceOf(PaymentSerializer.class);
    byte[] bytes = serialization.serialize(value).get();
    return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, value)).get();
  }

  @Test
  void snapshotsOfEveryPhaseRoundTrip() throws Exception {
    PaymentFixture settled = new PaymentFixture(testKit.system());
    settled.captured(10_000);
    settled.refund(1_000);
    settled.openDispute("d-1", 2_000);
    settled.decideDispute("d-1", false);
    settled.openDispute("d-2", 1_000);
    settled.capture(5, false);
    assertThat(roundTrip(settled.kit.getState())).isEqualTo(settled.kit.getState());
    assertThat(settled.live().core().answers().byRequest()).hasSize(7);

    ScriptedIssuer issuer = new ScriptedIssuer(Integer.MAX_VALUE);
    PaymentFixture open = new PaymentFixture(testKit.system(), issuer, java.time.Duration.ofSeconds(30));
    open.authorize(4_000);
    open.sendIncrement("inc", 100, testKit.<Reply>createTestProbe().ref());
    assertThat(((Open) open.kit.getState()).pending()).isNotNull();
    assertThat(roundTrip(open.kit.getState())).isEqualTo(open.kit.getState());

    PaymentFixture inDoubt = new PaymentFixture(testKit.system(),
        new IssuerSimulator(java.time.Duration.ZERO, 91, Integer.MAX_VALUE), java.time.Duration.ofMillis(50));
    inDoubt.authorize(2_091);
    assertThat(inDoubt.kit.getState()).isInstanceOf(InDoubt.class);
    assertThat(roundTrip(inDoubt.kit.getState())).isEqualTo(inDoubt.kit.getState());

    PaymentFixture authorizing = new PaymentFixture(testKit.system(),
        new IssuerSimulator(java.time.Duration.ZERO, 91, 0), java.time.Duration.ofSeconds(30));
    authorizing.kit.runCommand(new PaymentCommand.Authorize("a", PaymentFixture.ACQUIRER, "ref", "m",
        Money.of(1_091, "EUR"), PaymentFixture.CARD, PaymentFixture.PAN, testKit.<Reply>createTestProbe().ref()));
    assertThat(authorizing.kit.getState()).isInstanceOf(Authorizing.class);
    assertThat(roundTrip(authorizing.kit.getState())).isEqualTo(authorizing.kit.getState());

    Payment unreadable = new Payment.Unreadable(7, "an event type this version does not know");
    assertThat(roundTrip(unreadable)).isEqualTo(unreadable);

    PaymentFixture voided = new PaymentFixture(testKit.system(), issuer, java.time.Duration.ofSeconds(30));
    voided.authorize(4_000);
    voided.voidIt();
    assertThat(voided.live().owed()).isNotNull();
    assertThat(roundTrip(voided.kit.getState())).isEqualTo(voided.kit.getState());
  }

  @Test
  void repliesRoundTrip() throws Exception {
    PaymentFixture f = new PaymentFixture(testKit.system());
    Reply approved = f.authorize(1_000).reply();
    assertThat(roundTrip(approved)).isEqualTo(approved);
    Reply notFound = Reply.notFound();
    assertThat(roundTrip(notFound)).isEqualTo(notFound);
  }

  @Test
  void theEmptyStateRoundTrips() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    Payment.Empty empty = new Payment.Empty();
    byte[] bytes = serialization.serialize(empty).get();
    Serializer serializer = serialization.findSerializerFor(empty);
    assertThat(serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, empty))
        .get()).isEqualTo(empty);
  }
}
