package dev.switchyard.payment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.protocol.v1.DisputeState;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentReply;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.ResultCode;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestKitJUnit5Extension.class)
class PaymentEntityTest {

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(PaymentFixture.config()).build();

  private PaymentFixture f;

  @BeforeEach
  void setUp() {
    f = new PaymentFixture(testKit.system());
  }

  private static void assertRefused(
      CommandResultWithReply<?, PaymentEvent, ?, PaymentReply> result, ResultCode code, String field) {
    assertThat(result.reply().getResult()).isEqualTo(code);
    assertThat(result.reply().getField()).isEqualTo(field);
    assertThat(result.reply().getReason()).isNotBlank();
    assertThat(result.hasNoEvents()).as("a refused command writes nothing").isTrue();
  }

  // --- authorization --------------------------------------------------------------------------------

  @Test
  void approvedAuthorizationHoldsTheAmount() {
    var result = f.authorize(10_000);
    assertThat(result.reply().getResult()).isEqualTo(ResultCode.APPROVED);
    assertThat(result.reply().getPayment().getState()).isEqualTo(PaymentState.AUTHORIZED);
    assertThat(result.reply().getPayment().getAuthCode()).hasSize(6);
    assertThat(f.payment().authorized()).isEqualTo(10_000);
    assertThat(f.payment().expiresAtMillis()).isEqualTo(f.clock.millis() + Duration.ofDays(7).toMillis());
    assertThat(f.kit.getState()).isInstanceOf(Payment.class);
  }

  @Test
  void issuerDeclineEndsInDeclinedWithTheIssuersCode() {
    var result = f.authorize(1_051);
    assertThat(result.reply().getResult()).isEqualTo(ResultCode.INSUFFICIENT_FUNDS);
    assertThat(result.reply().getPayment().getState()).isEqualTo(PaymentState.DECLINED);
  }

  @Test
  void retriedDeclineReturnsTheSameDeclineWithoutNewEvents() {
    String rid = PaymentFixture.rid();
    var first = f.authorize(rid, 1_005, "EUR");
    var retry = f.authorize(rid, 1_005, "EUR");
    assertThat(retry.reply()).isEqualTo(first.reply());
    assertThat(retry.reply().getResult()).isEqualTo(ResultCode.DO_NOT_HONOR);
    assertThat(retry.hasNoEvents()).isTrue();
  }

  @Test
  void issuerSilenceMakesThePaymentInDoubtAndTheSwitchReversesIt() {
    PaymentFixture slow = new PaymentFixture(testKit.system(),
        new IssuerSimulator(Duration.ZERO, 91, 0), Duration.ofMillis(100));
    var result = slow.authorize(2_091);
    assertThat(result.reply().getResult()).isEqualTo(ResultCode.ISSUER_UNAVAILABLE);
    assertThat(result.reply().getPayment().getState()).isNotEqualTo(PaymentState.AUTHORIZED);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertThat(slow.payment().status()).isEqualTo(PaymentState.VOIDED);
      return null;
    });
  }

  @Test
  void failedReversalsAreRetriedUntilTheIssuerAcknowledges() {
    IssuerSimulator issuer = new IssuerSimulator(Duration.ZERO, 91, 2);
    PaymentFixture slow = new PaymentFixture(testKit.system(), issuer, Duration.ofMillis(100));
    slow.authorize(3_091);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      assertThat(slow.payment().status()).isEqualTo(PaymentState.VOIDED);
      return null;
    });
    assertThat(issuer.wasReversed(slow.paymentId)).isTrue();
    var events = slow.kit.getState();
    assertThat(events).isInstanceOf(Payment.class);
  }

  @Test
  void authorizationWithZeroAmountIsRefusedAndCreatesNothing() {
    var result = f.authorize(0);
    assertRefused(result, ResultCode.INVALID_REQUEST, "authorize.amount.minor_units");
    assertThat(f.kit.getState()).isInstanceOf(PaymentEntity.Empty.class);
  }

  @Test
  void secondAuthorizationWithAnotherRequestIdOnTheSameReferenceIsAConflict() {
    f.authorize(1_000);
    var again = f.authorize(1_000);
    assertRefused(again, ResultCode.IDEMPOTENCY_CONFLICT, "authorize.acquirer_reference");
  }

  // --- capture --------------------------------------------------------------------------------------

  @Test
  void partialCaptureThenFinalCaptureReleasesTheRest() {
    f.authorize(10_000);
    var partial = f.capture(3_000, false);
    assertThat(partial.reply().getPayment().getState()).isEqualTo(PaymentState.PARTIALLY_CAPTURED);
    var fin = f.capture(2_000, true);
    assertThat(fin.reply().getPayment().getState()).isEqualTo(PaymentState.CAPTURED);
    assertThat(f.payment().captured()).isEqualTo(5_000);
    assertRefused(f.capture(1_000, false), ResultCode.INVALID_STATE, "payment_id");
  }

  @Test
  void capturesAddingUpToTheAuthorizedAmountCompleteThePayment() {
    f.authorize(9_000);
    f.capture(3_000, false);
    f.capture(3_000, false);
    var last = f.capture(3_000, false);
    assertThat(last.reply().getPayment().getState()).isEqualTo(PaymentState.CAPTURED);
  }

  @Test
  void captureBeyondAuthorizedIsRefused() {
    f.authorize(5_000);
    f.capture(4_000, false);
    assertRefused(f.capture(1_001, false), ResultCode.AMOUNT_EXCEEDS_AVAILABLE, "capture.amount");
    assertThat(f.payment().captured()).isEqualTo(4_000);
  }

  @Test
  void captureInAnotherCurrencyIsRefused() {
    f.authorize(5_000);
    assertRefused(f.capture(PaymentFixture.rid(), 1_000, "USD", false),
        ResultCode.CURRENCY_MISMATCH, "capture.amount.currency");
  }

  @Test
  void captureOfNegativeAmountIsRefused() {
    f.authorize(5_000);
    assertRefused(f.capture(-5, false), ResultCode.INVALID_REQUEST, "capture.amount.minor_units");
  }

  @Test
  void captureBeforeAuthorizationIsNotFound() {
    assertRefused(f.capture(100, false), ResultCode.NOT_FOUND, "payment_id");
  }

  // --- void and increment ---------------------------------------------------------------------------

  @Test
  void voidBeforeCaptureVoidsThePayment() {
    f.authorize(5_000);
    var result = f.voidIt();
    assertThat(result.reply().getPayment().getState()).isEqualTo(PaymentState.VOIDED);
    assertRefused(f.capture(100, false), ResultCode.INVALID_STATE, "payment_id");
  }

  @Test
  void voidAfterCaptureIsRefused() {
    f.authorize(5_000);
    f.capture(100, false);
    assertRefused(f.voidIt(), ResultCode.INVALID_STATE, "payment_id");
  }

  @Test
  void incrementalAuthorizationRaisesTheHold() {
    f.authorize(5_000);
    var result = f.increment(2_500);
    assertThat(result.reply().getResult()).isEqualTo(ResultCode.APPROVED);
    assertThat(result.reply().getPayment().getAuthorizedMinor()).isEqualTo(7_500);
    assertThat(f.capture(7_500, false).reply().getPayment().getState()).isEqualTo(PaymentState.CAPTURED);
  }

  @Test
  void incrementDeclinedByTheIssuerLeavesTheHoldAsItWas() {
    f.authorize(5_000);
    var result = f.increment(1_051);
    assertRefused(result, ResultCode.INSUFFICIENT_FUNDS, "");
    assertThat(f.payment().authorized()).isEqualTo(5_000);
  }

  @Test
  void incrementAfterCaptureIsRefused() {
    f.authorize(5_000);
    f.capture(100, false);
    assertRefused(f.increment(1_000), ResultCode.INVALID_STATE, "payment_id");
  }

  // --- refunds --------------------------------------------------------------------------------------

  @Test
  void partialRefundsUpToTheCapturedAmountEndInRefunded() {
    f.captured(10_000);
    assertThat(f.refund(4_000).reply().getPayment().getState()).isEqualTo(PaymentState.CAPTURED);
    assertThat(f.refund(6_000).reply().getPayment().getState()).isEqualTo(PaymentState.REFUNDED);
    assertThat(f.payment().refunded()).isEqualTo(10_000);
  }

  @Test
  void refundBeyondCapturedIsRefused() {
    f.captured(10_000);
    f.refund(6_000);
    assertRefused(f.refund(6_000), ResultCode.AMOUNT_EXCEEDS_AVAILABLE, "refund.amount");
    assertThat(f.payment().refunded()).isEqualTo(6_000);
  }

  @Test
  void refundBeforeCaptureIsRefused() {
    f.authorize(10_000);
    assertRefused(f.refund(100), ResultCode.INVALID_STATE, "payment_id");
  }

  // --- expiry ---------------------------------------------------------------------------------------

  @Test
  void holdWindowElapsingWithNothingCapturedExpiresThePayment() {
    f.authorize(10_000);
    f.kit.runCommand(new PaymentEntity.WakeUp());
    assertThat(f.payment().status()).as("not due yet").isEqualTo(PaymentState.AUTHORIZED);
    f.clock.advance(Duration.ofDays(7));
    f.kit.runCommand(new PaymentEntity.WakeUp());
    assertThat(f.payment().status()).isEqualTo(PaymentState.EXPIRED);
    assertRefused(f.capture(100, false), ResultCode.INVALID_STATE, "payment_id");
  }

  @Test
  void expiryAfterPartialCaptureReleasesTheRemainderAndCountsAsCaptured() {
    f.authorize(10_000);
    f.capture(4_000, false);
    f.clock.advance(Duration.ofDays(8));
    var result = f.kit.runCommand(new PaymentEntity.WakeUp());
    assertThat(result.events()).hasSize(1);
    assertThat(result.events().get(0).getExpired().getReleasedMinor()).isEqualTo(6_000);
    assertThat(f.payment().status()).isEqualTo(PaymentState.CAPTURED);
    assertRefused(f.capture(100, false), ResultCode.INVALID_STATE, "payment_id");
    assertThat(f.refund(4_000).reply().getResult()).isEqualTo(ResultCode.APPROVED);
  }

  @Test
  void wakeUpOnAFullyCapturedPaymentChangesNothing() {
    f.captured(1_000);
    f.clock.advance(Duration.ofDays(30));
    assertThat(f.kit.runCommand(new PaymentEntity.WakeUp()).hasNoEvents()).isTrue();
  }

  // --- disputes -------------------------------------------------------------------------------------

  @Test
  void openedDisputeWithdrawsItsAmountFromWhatCanBeRefunded() {
    f.captured(10_000);
    var opened = f.openDispute("d-1", 7_000);
    assertThat(opened.reply().getPayment().getDispute().getState()).isEqualTo(DisputeState.NEEDS_RESPONSE);
    assertRefused(f.refund(3_001), ResultCode.AMOUNT_EXCEEDS_AVAILABLE, "refund.amount");
    assertThat(f.refund(3_000).reply().getResult()).isEqualTo(ResultCode.APPROVED);
  }

  @Test
  void disputeWonAfterEvidenceReturnsTheFunds() {
    f.captured(10_000);
    f.openDispute("d-1", 10_000);
    var evidence = f.kit.<PaymentReply>runCommand(r ->
        new PaymentEntity.SubmitDisputeEvidence(PaymentFixture.rid(), "d-1", "doc-1", r));
    assertThat(evidence.reply().getPayment().getDispute().getState()).isEqualTo(DisputeState.UNDER_REVIEW);
    var won = f.kit.<PaymentReply>runCommand(r -> new PaymentEntity.DecideDispute(PaymentFixture.rid(), "d-1", true, r));
    assertThat(won.reply().getPayment().getDispute().getState()).isEqualTo(DisputeState.WON);
    assertThat(f.payment().chargedBack()).isZero();
    assertThat(f.refund(10_000).reply().getResult()).isEqualTo(ResultCode.APPROVED);
  }

  @Test
  void disputeLostChargesTheAmountBack() {
    f.captured(10_000);
    f.openDispute("d-1", 4_000);
    f.kit.<PaymentReply>runCommand(r -> new PaymentEntity.DecideDispute(PaymentFixture.rid(), "d-1", false, r));
    assertThat(f.payment().chargedBack()).isEqualTo(4_000);
    assertRefused(f.refund(6_001), ResultCode.AMOUNT_EXCEEDS_AVAILABLE, "refund.amount");
  }

  @Test
  void acceptingADisputeLosesIt() {
    f.captured(10_000);
    f.openDispute("d-1", 4_000);
    var accepted = f.kit.<PaymentReply>runCommand(r -> new PaymentEntity.AcceptDispute(PaymentFixture.rid(), "d-1", r));
    assertThat(accepted.reply().getPayment().getDispute().getState()).isEqualTo(DisputeState.LOST);
    assertThat(f.payment().chargedBack()).isEqualTo(4_000);
  }

  @Test
  void unansweredDisputeIsLostWhenTheResponseWindowEnds() {
    f.captured(10_000);
    f.openDispute("d-1", 4_000);
    f.clock.advance(Duration.ofDays(31));
    f.kit.runCommand(new PaymentEntity.WakeUp());
    assertThat(f.payment().dispute().state()).isEqualTo(DisputeState.LOST);
    assertThat(f.payment().chargedBack()).isEqualTo(4_000);
  }

  @Test
  void preArbitrationAfterAWinReopensTheDispute() {
    f.captured(10_000);
    f.openDispute("d-1", 4_000);
    f.kit.<PaymentReply>runCommand(r -> new PaymentEntity.DecideDispute(PaymentFixture.rid(), "d-1", true, r));
    var reopened = f.kit.<PaymentReply>runCommand(r ->
        new PaymentEntity.PreArbitrate(PaymentFixture.rid(), "d-1", "4837", 0, r));
    assertThat(reopened.reply().getPayment().getDispute().getState()).isEqualTo(DisputeState.NEEDS_RESPONSE);
    assertThat(reopened.reply().getPayment().getDispute().getCycle()).isEqualTo(2);
  }

  @Test
  void preArbitrationOfALostDisputeIsRefused() {
    f.captured(10_000);
    f.openDispute("d-1", 4_000);
    f.kit.<PaymentReply>runCommand(r -> new PaymentEntity.AcceptDispute(PaymentFixture.rid(), "d-1", r));
    var result = f.kit.<PaymentReply>runCommand(r ->
        new PaymentEntity.PreArbitrate(PaymentFixture.rid(), "d-1", "4837", 0, r));
    assertRefused(result, ResultCode.INVALID_STATE, "dispute_id");
  }

  @Test
  void secondDisputeWhileOneIsOpenIsRefused() {
    f.captured(10_000);
    f.openDispute("d-1", 1_000);
    assertRefused(f.openDispute("d-2", 1_000), ResultCode.DISPUTE_CONFLICT, "dispute_id");
  }

  @Test
  void disputeBeyondWhatIsCapturedAndNotRefundedIsRefused() {
    f.captured(10_000);
    f.refund(4_000);
    assertRefused(f.openDispute("d-1", 6_001), ResultCode.AMOUNT_EXCEEDS_AVAILABLE, "open.amount");
  }

  @Test
  void disputeOnAnUncapturedPaymentIsRefused() {
    f.authorize(10_000);
    assertRefused(f.openDispute("d-1", 100), ResultCode.INVALID_STATE, "payment_id");
  }

  @Test
  void evidenceForAnUnknownDisputeIsNotFound() {
    f.captured(10_000);
    f.openDispute("d-1", 100);
    var result = f.kit.<PaymentReply>runCommand(r ->
        new PaymentEntity.SubmitDisputeEvidence(PaymentFixture.rid(), "d-9", "doc", r));
    assertRefused(result, ResultCode.NOT_FOUND, "dispute_id");
  }

  // --- terminal states, ownership, idempotency ------------------------------------------------------

  @Test
  void declinedPaymentRefusesEveryOperation() {
    f.authorize(1_005);
    assertRefused(f.capture(100, false), ResultCode.INVALID_STATE, "payment_id");
    assertRefused(f.voidIt(), ResultCode.INVALID_STATE, "payment_id");
    assertRefused(f.refund(100), ResultCode.INVALID_STATE, "payment_id");
    assertRefused(f.increment(100), ResultCode.INVALID_STATE, "payment_id");
  }

  @Test
  void anotherAcquirerCannotSeeOrTouchThePayment() {
    f.authorize(1_000);
    var get = f.kit.<PaymentReply>runCommand(r -> new PaymentEntity.Get("acq-2", r));
    assertThat(get.reply().getResult()).isEqualTo(ResultCode.NOT_FOUND);
    assertThat(get.reply().hasPayment()).isFalse();
    var capture = f.kit.<PaymentReply>runCommand(r ->
        new PaymentEntity.Capture(PaymentFixture.rid(), "acq-2", Money.of(100, "EUR"), false, r));
    assertRefused(capture, ResultCode.NOT_FOUND, "payment_id");
  }

  @Test
  void replayedCaptureReturnsTheOriginalAnswerWithoutANewEvent() {
    f.authorize(10_000);
    String rid = PaymentFixture.rid();
    var first = f.capture(rid, 3_000, "EUR", false);
    f.capture(1_000, false);
    var replay = f.capture(rid, 3_000, "EUR", false);
    assertThat(replay.reply()).isEqualTo(first.reply());
    assertThat(replay.hasNoEvents()).isTrue();
    assertThat(f.payment().captured()).isEqualTo(4_000);
  }

  @Test
  void replayedRefusalReturnsTheSameRefusal() {
    f.authorize(10_000);
    String rid = PaymentFixture.rid();
    var first = f.capture(rid, 20_000, "EUR", false);
    var replay = f.capture(rid, 20_000, "EUR", false);
    assertThat(replay.reply()).isEqualTo(first.reply());
    assertThat(replay.hasNoEvents()).isTrue();
  }

  @Test
  void sameRequestIdWithOtherParametersIsAConflict() {
    f.authorize(10_000);
    String rid = PaymentFixture.rid();
    f.capture(rid, 3_000, "EUR", false);
    assertRefused(f.capture(rid, 3_001, "EUR", false), ResultCode.IDEMPOTENCY_CONFLICT, "request_id");
    assertThat(f.payment().captured()).isEqualTo(3_000);
  }

  @Test
  void answersSurviveARestartOfTheEntity() {
    f.authorize(10_000);
    String rid = PaymentFixture.rid();
    var first = f.capture(rid, 2_500, "EUR", false);
    f.refund(1_000);
    f.kit.restart();
    assertThat(f.payment().captured()).isEqualTo(2_500);
    assertThat(f.payment().refunded()).isEqualTo(1_000);
    var replay = f.capture(rid, 2_500, "EUR", false);
    assertThat(replay.reply()).isEqualTo(first.reply());
  }
}
