package dev.switchyard.payment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.protocol.v1.DisputeState;
import dev.switchyard.protocol.v1.DisputeView;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.ReversalKind;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One test per business rule of a payment, on the in-memory journal. */
@ExtendWith(TestKitJUnit5Extension.class)
class PaymentEntityTest {

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(PaymentFixture.config()).build();

  private PaymentFixture f;

  @BeforeEach
  void setUp() {
    f = new PaymentFixture(testKit.system());
  }

  /** Refused with this code and field, with a reason; at most a request_refused event, nothing moved. */
  private void assertRefused(CommandResultWithReply<?, PaymentEvent, ?, Reply> result, Outcome code, String field) {
    assertThat(result.reply().outcome()).isEqualTo(code);
    assertThat(result.reply().field()).isEqualTo(field);
    assertThat(result.reply().reason()).isNotBlank();
    assertThat(result.events()).as("a refusal moves nothing").allMatch(PaymentEvent::hasRequestRefused);
  }

  private <T> void eventually(Duration max, org.apache.pekko.japi.function.Creator<T> check) {
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(max, check);
  }

  private List<PaymentEvent> journal(PaymentFixture fixture) {
    return fixture.kit.persistenceTestKit().persistedInStorage("Payment|" + fixture.paymentId).stream()
        .map(PaymentEvent.class::cast).toList();
  }

  // --- authorization --------------------------------------------------------------------------------

  @Test
  void approvedAuthorizationHoldsTheAmount() {
    var result = f.authorize(10_000);
    assertThat(result.reply().outcome()).isEqualTo(Outcome.APPROVED);
    assertThat(result.reply().payment().getState()).isEqualTo(PaymentState.AUTHORIZED);
    assertThat(result.reply().payment().getAuthCode()).hasSize(6);
    assertThat(f.amounts().authorized()).isEqualTo(10_000);
    assertThat(f.view().getExpiresAtMillis()).isEqualTo(f.clock.millis() + Duration.ofDays(7).toMillis());
    assertThat(f.kit.getState()).isInstanceOf(Open.class);
  }

  /** The request to the issuer is identified before it is sent: its trace is in the first event. */
  @Test
  void theAuthorizationsRequestToTheIssuerIsRecordedBeforeItIsSent() {
    var result = f.authorize(1_000);
    PaymentEvent first = result.events().get(0);
    assertThat(first.getAuthorizationRequested().getIssuer().getRrn()).isEqualTo(PaymentIds.rrn(f.paymentId));
    assertThat(first.getAuthorizationRequested().getIssuer().getStan()).hasSize(6);
    assertThat(first.toString()).as("no card number in the event").doesNotContain("4111111111111111");
  }

  @Test
  void issuerDeclineEndsInDeclinedWithTheIssuersCode() {
    var result = f.authorize(1_051);
    assertThat(result.reply().outcome()).isEqualTo(Outcome.INSUFFICIENT_FUNDS);
    assertThat(result.reply().payment().getState()).isEqualTo(PaymentState.DECLINED);
  }

  @Test
  void retriedDeclineReturnsTheSameDeclineWithoutNewEvents() {
    String rid = PaymentFixture.rid();
    var first = f.authorize(rid, 1_005, "EUR");
    var retry = f.authorize(rid, 1_005, "EUR");
    assertThat(retry.reply().original()).isEqualTo(first.reply());
    assertThat(retry.reply().replayed()).isTrue();
    assertThat(retry.reply().outcome()).isEqualTo(Outcome.DO_NOT_HONOR);
    assertThat(retry.hasNoEvents()).isTrue();
  }

  @Test
  void issuerSilenceMakesThePaymentInDoubtAndTheSwitchReversesIt() {
    PaymentFixture slow = new PaymentFixture(testKit.system(),
        new IssuerSimulator(Duration.ZERO, 91, 0), Duration.ofMillis(100));
    var result = slow.authorize(2_091);
    assertThat(result.reply().outcome()).isEqualTo(Outcome.ISSUER_UNAVAILABLE);
    assertThat(result.reply().reason()).isEqualTo("no issuer answer in time");
    assertThat(result.reply().payment().getState()).isNotEqualTo(PaymentState.AUTHORIZED);
    eventually(Duration.ofSeconds(3), () -> {
      assertThat(slow.status()).isEqualTo(PaymentState.VOIDED);
      return null;
    });
  }

  @Test
  void failedReversalsAreRetriedUntilTheIssuerAcknowledges() {
    IssuerSimulator issuer = new IssuerSimulator(Duration.ZERO, 91, 2);
    PaymentFixture slow = new PaymentFixture(testKit.system(), issuer, Duration.ofMillis(100));
    slow.authorize(3_091);
    eventually(Duration.ofSeconds(5), () -> {
      slow.clock.advance(Duration.ofMillis(50));
      slow.wakeUp();
      assertThat(slow.status()).isEqualTo(PaymentState.VOIDED);
      return null;
    });
    assertThat(issuer.wasReversed(slow.paymentId, ReversalKind.REVERSAL_OF_AUTHORIZATION)).isTrue();
    assertThat(journal(slow)).filteredOn(PaymentEvent::hasReversalFailed).hasSize(2);
  }

  /** Hole 5: the backoff between attempts holds, whatever wakes the payment in between. */
  @Test
  void aFailedReversalIsNotSentAgainBeforeItsBackoffEnds() {
    ScriptedIssuer issuer = new ScriptedIssuer(Integer.MAX_VALUE);
    PaymentFixture p = new PaymentFixture(testKit.system(), issuer, Duration.ofSeconds(2));
    p.authorize(5_000);
    p.voidIt();
    eventually(Duration.ofSeconds(3), () -> {
      assertThat(journal(p)).anyMatch(PaymentEvent::hasReversalFailed);
      return null;
    });
    PaymentEvent failed = journal(p).stream().filter(PaymentEvent::hasReversalFailed).findFirst().orElseThrow();
    assertThat(failed.getReversalFailed().getNextRetryAtMillis()).isEqualTo(p.clock.millis() + 20);
    int sent = issuer.reversals.size();
    p.wakeUp();
    p.wakeUp();
    assertThat(issuer.reversals).as("woken before the backoff ends: nothing sent").hasSize(sent);
    p.clock.advance(Duration.ofMillis(20));
    p.wakeUp();
    eventually(Duration.ofSeconds(3), () -> {
      assertThat(issuer.reversals).hasSize(sent + 1);
      return null;
    });
  }

  @Test
  void authorizationWithZeroAmountIsRefusedAndCreatesNothing() {
    var result = f.authorize(0);
    assertRefused(result, Outcome.INVALID_REQUEST, "authorize.amount.minor_units");
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(f.kit.getState()).isInstanceOf(Payment.Empty.class);
  }

  @Test
  void secondAuthorizationWithAnotherRequestIdOnTheSameReferenceIsAConflict() {
    f.authorize(1_000);
    var again = f.authorize(1_000);
    assertRefused(again, Outcome.IDEMPOTENCY_CONFLICT, "authorize.acquirer_reference");
    assertThat(again.hasNoEvents()).as("a conflict is not recorded").isTrue();
  }

  @Test
  void anotherAuthorizationOfADeclinedPaymentIsAConflictTooNotARecordedRefusal() {
    f.authorize(1_005);
    var again = f.authorize(1_000);
    assertRefused(again, Outcome.IDEMPOTENCY_CONFLICT, "authorize.acquirer_reference");
    assertThat(again.hasNoEvents()).isTrue();
  }

  /** The issuer still deciding: a retry of the same authorization gets the decision too, marked as a replay. */
  @Test
  void aRetryWhileTheIssuerDecidesGetsTheSameAnswerAsAReplay() {
    PaymentFixture slow = new PaymentFixture(testKit.system(),
        new IssuerSimulator(Duration.ZERO, 91, 0), Duration.ofMillis(300));
    TestProbe<Reply> first = testKit.createTestProbe();
    TestProbe<Reply> retry = testKit.createTestProbe();
    slow.kit.runCommand(new PaymentCommand.Authorize("auth-1", PaymentFixture.ACQUIRER, "ref", "m-1",
        Money.of(2_091, "EUR"), PaymentFixture.CARD, PaymentFixture.PAN, first.ref()));
    slow.kit.runCommand(new PaymentCommand.Authorize("auth-1", PaymentFixture.ACQUIRER, "ref", "m-1",
        Money.of(2_091, "EUR"), PaymentFixture.CARD, PaymentFixture.PAN, retry.ref()));
    Reply answer = first.receiveMessage(Duration.ofSeconds(3));
    assertThat(answer.outcome()).isEqualTo(Outcome.ISSUER_UNAVAILABLE);
    assertThat(answer.replayed()).isFalse();
    assertThat(retry.receiveMessage(Duration.ofSeconds(3))).isEqualTo(answer.asReplay());
  }

  // --- capture --------------------------------------------------------------------------------------

  @Test
  void partialCaptureThenFinalCaptureReleasesTheRest() {
    f.authorize(10_000);
    var partial = f.capture(3_000, false);
    assertThat(partial.reply().payment().getState()).isEqualTo(PaymentState.PARTIALLY_CAPTURED);
    var fin = f.capture(2_000, true);
    assertThat(fin.reply().payment().getState()).isEqualTo(PaymentState.CAPTURED);
    assertThat(f.amounts().captured()).isEqualTo(5_000);
    assertRefused(f.capture(1_000, false), Outcome.INVALID_STATE, "payment_id");
  }

  @Test
  void capturesAddingUpToTheAuthorizedAmountCompleteThePayment() {
    f.authorize(9_000);
    f.capture(3_000, false);
    f.capture(3_000, false);
    var last = f.capture(3_000, false);
    assertThat(last.reply().payment().getState()).isEqualTo(PaymentState.CAPTURED);
  }

  @Test
  void captureBeyondAuthorizedIsRefused() {
    f.authorize(5_000);
    f.capture(4_000, false);
    assertRefused(f.capture(1_001, false), Outcome.AMOUNT_EXCEEDS_AVAILABLE, "capture.amount");
    assertThat(f.amounts().captured()).isEqualTo(4_000);
  }

  @Test
  void captureInAnotherCurrencyIsRefused() {
    f.authorize(5_000);
    assertRefused(f.capture(PaymentFixture.rid(), 1_000, "USD", false),
        Outcome.CURRENCY_MISMATCH, "capture.amount.currency");
  }

  @Test
  void captureOfNegativeAmountIsRefused() {
    f.authorize(5_000);
    assertRefused(f.capture(-5, false), Outcome.INVALID_REQUEST, "capture.amount.minor_units");
  }

  @Test
  void aCaptureAfterTheHoldLapsedIsRefusedEvenBeforeTheExpiryIsRecorded() {
    f.authorize(5_000);
    f.clock.advance(Duration.ofDays(7));
    var late = f.capture(1_000, false);
    assertRefused(late, Outcome.INVALID_STATE, "payment_id");
    assertThat(late.reply().reason()).contains("hold expired");
    assertRefused(f.increment(1_000), Outcome.INVALID_STATE, "payment_id");
    f.wakeUp();
    assertThat(f.status()).isEqualTo(PaymentState.EXPIRED);
  }

  @Test
  void captureBeforeAuthorizationIsNotFound() {
    assertRefused(f.capture(100, false), Outcome.NOT_FOUND, "payment_id");
  }

  // --- hole 1: refunds of a partial capture ---------------------------------------------------------

  @Test
  void refundingAllOfAPartialCaptureLeavesTheRemainderCapturable() {
    f.authorize(10_000);
    f.capture(4_000, false);
    var refund = f.refund(4_000);
    assertThat(refund.reply().payment().getState()).isEqualTo(PaymentState.PARTIALLY_CAPTURED);
    var more = f.capture(6_000, false);
    assertThat(more.reply().outcome()).isEqualTo(Outcome.APPROVED);
    assertThat(more.reply().payment().getState()).isEqualTo(PaymentState.CAPTURED);
  }

  @Test
  void expiryReleasesTheRemainderOfAFullyRefundedPartialCapture() {
    f.authorize(10_000);
    f.capture(4_000, false);
    f.refund(4_000);
    f.clock.advance(Duration.ofDays(8));
    var expired = f.wakeUp();
    assertThat(expired.events()).singleElement()
        .satisfies(e -> assertThat(e.getExpired().getReleasedMinor()).isEqualTo(6_000));
    assertThat(f.status()).isEqualTo(PaymentState.REFUNDED);
    assertThat(f.kit.getState()).isInstanceOf(Settled.class);
  }

  // --- void and increment ---------------------------------------------------------------------------

  @Test
  void voidBeforeCaptureVoidsThePayment() {
    f.authorize(5_000);
    var result = f.voidIt();
    assertThat(result.reply().payment().getState()).isEqualTo(PaymentState.VOIDED);
    assertRefused(f.capture(100, false), Outcome.INVALID_STATE, "payment_id");
  }

  @Test
  void voidAfterCaptureIsRefused() {
    f.authorize(5_000);
    f.capture(100, false);
    assertRefused(f.voidIt(), Outcome.INVALID_STATE, "payment_id");
  }

  /** Hole 2: the release of a voided hold is owed to the issuer until it acknowledges. */
  @Test
  void aVoidsReleaseIsRetriedUntilTheIssuerAcknowledges() {
    ScriptedIssuer issuer = new ScriptedIssuer(2);
    PaymentFixture p = new PaymentFixture(testKit.system(), issuer, Duration.ofSeconds(2));
    p.authorize(5_000);
    p.voidIt();
    eventually(Duration.ofSeconds(5), () -> {
      p.clock.advance(Duration.ofMillis(100));
      p.wakeUp();
      assertThat(p.live().owed()).isNull();
      return null;
    });
    assertThat(issuer.acknowledged()).singleElement().satisfies(call -> {
      assertThat(call.kind()).isEqualTo(ReversalKind.RELEASE_OF_VOIDED_HOLD);
      assertThat(call.amountMinor()).isEqualTo(5_000);
      assertThat(call.attempt()).as("the first advice, then two repeats").isEqualTo(3);
      assertThat(call.original()).as("names the authorization's request").isEqualTo(p.live().origin().trace());
    });
    assertThat(journal(p)).filteredOn(PaymentEvent::hasReversalFailed).hasSize(2);
    assertThat(journal(p).get(journal(p).size() - 1).getReversed().getKind())
        .isEqualTo(ReversalKind.RELEASE_OF_VOIDED_HOLD);
  }

  @Test
  void incrementalAuthorizationRaisesTheHold() {
    f.authorize(5_000);
    var result = f.increment(2_500);
    assertThat(result.reply().outcome()).isEqualTo(Outcome.APPROVED);
    assertThat(result.reply().payment().getAuthorizedMinor()).isEqualTo(7_500);
    assertThat(result.events()).extracting(PaymentEvent::getBodyCase)
        .containsExactly(PaymentEvent.BodyCase.INCREMENT_REQUESTED, PaymentEvent.BodyCase.INCREMENTED);
    assertThat(f.capture(7_500, false).reply().payment().getState()).isEqualTo(PaymentState.CAPTURED);
  }

  @Test
  void incrementDeclinedByTheIssuerLeavesTheHoldAsItWas() {
    f.authorize(5_000);
    var result = f.increment(1_051);
    assertThat(result.reply().outcome()).isEqualTo(Outcome.INSUFFICIENT_FUNDS);
    assertThat(f.amounts().authorized()).isEqualTo(5_000);
  }

  @Test
  void incrementAfterCaptureIsRefused() {
    f.authorize(5_000);
    f.capture(100, false);
    assertRefused(f.increment(1_000), Outcome.INVALID_STATE, "payment_id");
  }

  /** Hole 2: the increment's intent is durable, so a restart during the call ends in a reversal, not nothing. */
  @Test
  void aRestartDuringAnIncrementWithdrawsItAndReversesItAtTheIssuer() {
    ScriptedIssuer issuer = new ScriptedIssuer(0);
    TestProbe<Reply> acquirer = testKit.createTestProbe();
    PaymentFixture p = withIncrementAtTheIssuer(issuer, acquirer);
    assertThat(journal(p)).anyMatch(PaymentEvent::hasIncrementRequested);
    p.kit.restart();
    eventually(Duration.ofSeconds(3), () -> {
      assertThat(issuer.acknowledged()).singleElement().satisfies(call -> {
        assertThat(call.kind()).isEqualTo(ReversalKind.REVERSAL_OF_INCREMENT);
        assertThat(call.amountMinor()).isEqualTo(2_000);
        assertThat(call.original().stan()).as("names the increment's request, not the authorization's")
            .isNotEqualTo(p.live().origin().trace().stan());
        assertThat(call.original().rrn()).isEqualTo(PaymentIds.rrn(p.paymentId));
      });
      assertThat(p.live().owed()).isNull();
      return null;
    });
    assertThat(p.amounts().authorized()).isEqualTo(5_000);
    var retry = p.increment("inc-1", 2_000);
    assertThat(retry.reply().outcome()).isEqualTo(Outcome.ISSUER_UNAVAILABLE);
    assertThat(retry.reply().reason()).isEqualTo("the node restarted while waiting for the issuer");
  }

  /** Hole 2: an approval that arrives after the hold expired is checked again, and does not grow the payment. */
  @Test
  void anIncrementApprovedAfterTheHoldExpiredIsReversedNotApplied() {
    ScriptedIssuer issuer = new ScriptedIssuer(0);
    TestProbe<Reply> acquirer = testKit.createTestProbe();
    PaymentFixture p = withIncrementAtTheIssuer(issuer, acquirer);
    p.clock.advance(Duration.ofDays(8));
    p.wakeUp();
    issuer.increments.remove().complete(IssuerGateway.Decision.approve("777777"));
    Reply answer = acquirer.receiveMessage(Duration.ofSeconds(3));
    assertThat(answer.outcome()).isEqualTo(Outcome.INVALID_STATE);
    assertThat(answer.payment().getAuthorizedMinor()).isEqualTo(5_000);
    eventually(Duration.ofSeconds(3), () -> {
      assertThat(issuer.acknowledged()).extracting(ScriptedIssuer.ReversalCall::kind)
          .containsExactly(ReversalKind.REVERSAL_OF_INCREMENT);
      return null;
    });
    p.wakeUp();
    assertThat(p.status()).isEqualTo(PaymentState.EXPIRED);
    assertThat(p.amounts().authorized()).isEqualTo(5_000);
  }

  @Test
  void aSecondIncrementWhileOneIsWithTheIssuerIsRefused() {
    ScriptedIssuer issuer = new ScriptedIssuer(0);
    TestProbe<Reply> acquirer = testKit.createTestProbe();
    PaymentFixture p = withIncrementAtTheIssuer(issuer, acquirer);
    var second = p.increment("inc-2", 500);
    assertRefused(second, Outcome.INVALID_STATE, "payment_id");
    assertThat(second.reply().reason()).contains("one at a time");
    issuer.increments.remove().complete(IssuerGateway.Decision.approve("777777"));
    assertThat(acquirer.receiveMessage().payment().getAuthorizedMinor()).isEqualTo(7_000);
  }

  /** Hole 5: a reversal owed before a request is not sent again by the request, only when its time comes. */
  @Test
  void requestsDoNotResendAnOwedReversalBeforeItsBackoffEnds() {
    ScriptedIssuer issuer = new ScriptedIssuer(Integer.MAX_VALUE);
    PaymentFixture p = new PaymentFixture(testKit.system(), issuer, Duration.ofMillis(100));
    p.authorize(5_000);
    assertThat(p.increment(1_000).reply().outcome()).as("never answered: withdrawn")
        .isEqualTo(Outcome.ISSUER_UNAVAILABLE);
    eventually(Duration.ofSeconds(3), () -> {
      assertThat(journal(p)).anyMatch(PaymentEvent::hasReversalFailed);
      return null;
    });
    int sent = issuer.reversals.size();
    p.capture(5_000, true);
    p.refund(1_000);
    p.refund(1_000);
    assertThat(issuer.reversals).as("nothing sent before the next attempt is due").hasSize(sent);
    assertThat(p.live().owed().kind()).isEqualTo(ReversalKind.REVERSAL_OF_INCREMENT);
  }

  @Test
  void requestsWaitWhileAnIncrementIsWithTheIssuerAndAreServedAfter() {
    ScriptedIssuer issuer = new ScriptedIssuer(0);
    TestProbe<Reply> acquirer = testKit.createTestProbe();
    PaymentFixture p = withIncrementAtTheIssuer(issuer, acquirer);
    p.kit.runCommand(new PaymentCommand.Capture("cap-1", PaymentFixture.ACQUIRER, Money.of(7_000, "EUR"), false,
        acquirer.ref()));
    acquirer.expectNoMessage(Duration.ofMillis(100));
    issuer.increments.remove().complete(IssuerGateway.Decision.approve("777777"));
    assertThat(acquirer.receiveMessage().payment().getAuthorizedMinor()).isEqualTo(7_000);
    assertThat(acquirer.receiveMessage().payment().getState()).isEqualTo(PaymentState.CAPTURED);
  }

  /** An authorization of 5,000 whose increment of 2,000 ("inc-1") waits for the issuer to be answered by hand. */
  private PaymentFixture withIncrementAtTheIssuer(ScriptedIssuer issuer, TestProbe<Reply> acquirer) {
    PaymentFixture p = new PaymentFixture(testKit.system(), issuer, Duration.ofSeconds(30));
    p.authorize(5_000);
    p.sendIncrement("inc-1", 2_000, acquirer.ref());
    return p;
  }

  // --- refunds --------------------------------------------------------------------------------------

  @Test
  void partialRefundsUpToTheCapturedAmountEndInRefunded() {
    f.captured(10_000);
    assertThat(f.refund(4_000).reply().payment().getState()).isEqualTo(PaymentState.CAPTURED);
    assertThat(f.refund(6_000).reply().payment().getState()).isEqualTo(PaymentState.REFUNDED);
    assertThat(f.amounts().refunded()).isEqualTo(10_000);
  }

  @Test
  void refundBeyondCapturedIsRefused() {
    f.captured(10_000);
    f.refund(6_000);
    assertRefused(f.refund(6_000), Outcome.AMOUNT_EXCEEDS_AVAILABLE, "refund.amount");
    assertThat(f.amounts().refunded()).isEqualTo(6_000);
  }

  @Test
  void refundBeforeCaptureIsRefused() {
    f.authorize(10_000);
    assertRefused(f.refund(100), Outcome.INVALID_STATE, "payment_id");
  }

  // --- expiry ---------------------------------------------------------------------------------------

  @Test
  void holdWindowElapsingWithNothingCapturedExpiresThePayment() {
    f.authorize(10_000);
    f.wakeUp();
    assertThat(f.status()).as("not due yet").isEqualTo(PaymentState.AUTHORIZED);
    f.clock.advance(Duration.ofDays(7));
    f.wakeUp();
    assertThat(f.status()).isEqualTo(PaymentState.EXPIRED);
    assertRefused(f.capture(100, false), Outcome.INVALID_STATE, "payment_id");
  }

  @Test
  void expiryAfterPartialCaptureReleasesTheRemainderAndCountsAsCaptured() {
    f.authorize(10_000);
    f.capture(4_000, false);
    f.clock.advance(Duration.ofDays(8));
    var result = f.wakeUp();
    assertThat(result.events()).hasSize(1);
    assertThat(result.events().get(0).getExpired().getReleasedMinor()).isEqualTo(6_000);
    assertThat(f.status()).isEqualTo(PaymentState.CAPTURED);
    assertRefused(f.capture(100, false), Outcome.INVALID_STATE, "payment_id");
    assertThat(f.refund(4_000).reply().outcome()).isEqualTo(Outcome.APPROVED);
  }

  @Test
  void wakeUpOnAFullyCapturedPaymentChangesNothing() {
    f.captured(1_000);
    f.clock.advance(Duration.ofDays(30));
    assertThat(f.wakeUp().hasNoEvents()).isTrue();
  }

  // --- disputes -------------------------------------------------------------------------------------

  @Test
  void openedDisputeWithdrawsItsAmountFromWhatCanBeRefunded() {
    f.captured(10_000);
    var opened = f.openDispute("d-1", 7_000);
    assertThat(opened.reply().payment().getDispute().getState()).isEqualTo(DisputeState.NEEDS_RESPONSE);
    assertRefused(f.refund(3_001), Outcome.AMOUNT_EXCEEDS_AVAILABLE, "refund.amount");
    assertThat(f.refund(3_000).reply().outcome()).isEqualTo(Outcome.APPROVED);
  }

  @Test
  void disputeWonAfterEvidenceReturnsTheFunds() {
    f.captured(10_000);
    f.openDispute("d-1", 10_000);
    var evidence = f.run(r -> new PaymentCommand.SubmitDisputeEvidence(PaymentFixture.rid(), "d-1", "doc-1", r));
    assertThat(evidence.reply().payment().getDispute().getState()).isEqualTo(DisputeState.UNDER_REVIEW);
    var won = f.decideDispute("d-1", true);
    assertThat(won.reply().payment().getDispute().getState()).isEqualTo(DisputeState.WON);
    assertThat(f.amounts().chargedBack()).isZero();
    assertThat(f.refund(10_000).reply().outcome()).isEqualTo(Outcome.APPROVED);
  }

  @Test
  void disputeLostChargesTheAmountBack() {
    f.captured(10_000);
    f.openDispute("d-1", 4_000);
    f.decideDispute("d-1", false);
    assertThat(f.amounts().chargedBack()).isEqualTo(4_000);
    assertRefused(f.refund(6_001), Outcome.AMOUNT_EXCEEDS_AVAILABLE, "refund.amount");
  }

  @Test
  void acceptingADisputeLosesIt() {
    f.captured(10_000);
    f.openDispute("d-1", 4_000);
    var accepted = f.run(r -> new PaymentCommand.AcceptDispute(PaymentFixture.rid(), "d-1", r));
    assertThat(accepted.reply().payment().getDispute().getState()).isEqualTo(DisputeState.LOST);
    assertThat(f.amounts().chargedBack()).isEqualTo(4_000);
  }

  @Test
  void unansweredDisputeIsLostWhenTheResponseWindowEnds() {
    f.captured(10_000);
    f.openDispute("d-1", 4_000);
    f.clock.advance(Duration.ofDays(31));
    f.wakeUp();
    assertThat(f.live().disputes().current().state()).isEqualTo(DisputeState.LOST);
    assertThat(f.amounts().chargedBack()).isEqualTo(4_000);
  }

  @Test
  void preArbitrationAfterAWinReopensTheDispute() {
    f.captured(10_000);
    f.openDispute("d-1", 4_000);
    f.decideDispute("d-1", true);
    var reopened = f.run(r -> new PaymentCommand.PreArbitrate(PaymentFixture.rid(), "d-1", "4837", 0, r));
    assertThat(reopened.reply().payment().getDispute().getState()).isEqualTo(DisputeState.NEEDS_RESPONSE);
    assertThat(reopened.reply().payment().getDispute().getCycle()).isEqualTo(2);
  }

  @Test
  void preArbitrationOfALostDisputeIsRefused() {
    f.captured(10_000);
    f.openDispute("d-1", 4_000);
    f.run(r -> new PaymentCommand.AcceptDispute(PaymentFixture.rid(), "d-1", r));
    var result = f.run(r -> new PaymentCommand.PreArbitrate(PaymentFixture.rid(), "d-1", "4837", 0, r));
    assertRefused(result, Outcome.INVALID_STATE, "dispute_id");
  }

  @Test
  void secondDisputeWhileOneIsOpenIsRefused() {
    f.captured(10_000);
    f.openDispute("d-1", 1_000);
    assertRefused(f.openDispute("d-2", 1_000), Outcome.DISPUTE_CONFLICT, "dispute_id");
  }

  /** Hole 9: a second dispute after the first was decided keeps the first in the payment's history. */
  @Test
  void everyDisputeOfAPaymentIsKept() {
    f.captured(10_000);
    f.openDispute("d-1", 1_000);
    f.decideDispute("d-1", false);
    var second = f.openDispute("d-2", 2_000);
    assertThat(second.reply().payment().getDisputesList()).extracting(DisputeView::getDisputeId, DisputeView::getState)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("d-1", DisputeState.LOST),
            org.assertj.core.groups.Tuple.tuple("d-2", DisputeState.NEEDS_RESPONSE));
    assertThat(second.reply().payment().getDispute().getDisputeId()).isEqualTo("d-2");
    f.kit.restart();
    assertThat(f.view().getDisputesCount()).isEqualTo(2);
    assertRefused(f.openDispute("d-1", 100), Outcome.DISPUTE_CONFLICT, "dispute_id");
  }

  @Test
  void disputeBeyondWhatIsCapturedAndNotRefundedIsRefused() {
    f.captured(10_000);
    f.refund(4_000);
    assertRefused(f.openDispute("d-1", 6_001), Outcome.AMOUNT_EXCEEDS_AVAILABLE, "open.amount");
  }

  @Test
  void disputeOnAnUncapturedPaymentIsRefused() {
    f.authorize(10_000);
    assertRefused(f.openDispute("d-1", 100), Outcome.INVALID_STATE, "payment_id");
  }

  @Test
  void evidenceForAnUnknownDisputeIsNotFound() {
    f.captured(10_000);
    f.openDispute("d-1", 100);
    var result = f.run(r -> new PaymentCommand.SubmitDisputeEvidence(PaymentFixture.rid(), "d-9", "doc", r));
    assertRefused(result, Outcome.NOT_FOUND, "dispute_id");
  }

  // --- terminal states, ownership, idempotency ------------------------------------------------------

  @Test
  void declinedPaymentRefusesEveryOperation() {
    f.authorize(1_005);
    assertRefused(f.capture(100, false), Outcome.INVALID_STATE, "payment_id");
    assertRefused(f.voidIt(), Outcome.INVALID_STATE, "payment_id");
    assertRefused(f.refund(100), Outcome.INVALID_STATE, "payment_id");
    assertRefused(f.increment(100), Outcome.INVALID_STATE, "payment_id");
    assertRefused(f.openDispute("d-1", 100), Outcome.INVALID_STATE, "payment_id");
  }

  @Test
  void anotherAcquirerCannotSeeOrTouchThePayment() {
    f.authorize(1_000);
    var get = f.run(r -> new PaymentCommand.Get("acq-2", r));
    assertThat(get.reply().outcome()).isEqualTo(Outcome.NOT_FOUND);
    assertThat(get.reply().payment()).isNull();
    var capture = f.run(r ->
        new PaymentCommand.Capture(PaymentFixture.rid(), "acq-2", Money.of(100, "EUR"), false, r));
    assertRefused(capture, Outcome.NOT_FOUND, "payment_id");
    assertThat(capture.hasNoEvents()).as("nothing is written into another acquirer's payment").isTrue();
  }

  @Test
  void replayedCaptureReturnsTheOriginalAnswerWithoutANewEvent() {
    f.authorize(10_000);
    String rid = PaymentFixture.rid();
    var first = f.capture(rid, 3_000, "EUR", false);
    f.capture(1_000, false);
    var replay = f.capture(rid, 3_000, "EUR", false);
    assertThat(replay.reply().original()).isEqualTo(first.reply());
    assertThat(replay.hasNoEvents()).isTrue();
    assertThat(f.amounts().captured()).isEqualTo(4_000);
  }

  @Test
  void sameRequestIdWithOtherParametersIsAConflict() {
    f.authorize(10_000);
    String rid = PaymentFixture.rid();
    f.capture(rid, 3_000, "EUR", false);
    assertRefused(f.capture(rid, 3_001, "EUR", false), Outcome.IDEMPOTENCY_CONFLICT, "request_id");
    assertThat(f.amounts().captured()).isEqualTo(3_000);
  }

  @Test
  void answersSurviveARestartOfTheEntity() {
    f.authorize(10_000);
    String rid = PaymentFixture.rid();
    var first = f.capture(rid, 2_500, "EUR", false);
    f.refund(1_000);
    f.kit.restart();
    assertThat(f.amounts().captured()).isEqualTo(2_500);
    assertThat(f.amounts().refunded()).isEqualTo(1_000);
    var replay = f.capture(rid, 2_500, "EUR", false);
    assertThat(replay.reply().original()).isEqualTo(first.reply());
  }

  /** Hole 3, as it was found: a refusal replayed after a restart, when the payment could now do it. */
  @Test
  void aRefusalIsAnsweredTheSameAfterARestartEvenWhenThePaymentCouldNowDoIt() {
    f.authorize(10_000);
    var refused = f.capture("R", 12_000, "EUR", false);
    assertThat(refused.reply().outcome()).isEqualTo(Outcome.AMOUNT_EXCEEDS_AVAILABLE);
    assertThat(refused.events()).singleElement().satisfies(e -> assertThat(e.hasRequestRefused()).isTrue());
    f.increment(5_000);
    f.kit.restart();
    var replay = f.capture("R", 12_000, "EUR", false);
    assertThat(replay.reply().original()).isEqualTo(refused.reply());
    assertThat(replay.hasNoEvents()).isTrue();
    assertThat(f.amounts().captured()).isZero();
  }

  @Test
  void refusalsBeyondTheBoundAreAnsweredButNotRecorded() {
    PaymentSettings two = new PaymentSettings(Duration.ofDays(7), Duration.ofSeconds(2), Duration.ofMillis(20),
        Duration.ofMillis(200), Duration.ofDays(30), 2, 5, true, PaymentFixture.settings(Duration.ZERO).tags());
    PaymentFixture p = new PaymentFixture(testKit.system(), new IssuerSimulator(Duration.ZERO, 91, 0), two);
    p.authorize(1_000);
    assertThat(p.refund(1).events()).hasSize(1);
    assertThat(p.refund(2).events()).hasSize(1);
    var third = p.refund(3);
    assertThat(third.reply().outcome()).isEqualTo(Outcome.INVALID_STATE);
    assertThat(third.hasNoEvents()).isTrue();
    assertThat(p.live().core().answers().refusals()).isEqualTo(2);
  }

  /** Hole 4: a request id belongs to its payment; the same id on another payment is another request. */
  @Test
  void theSameRequestIdOnAnotherPaymentIsAnotherRequest() {
    PaymentFixture other = new PaymentFixture(testKit.system());
    f.authorize(5_000);
    other.authorize(7_000);
    assertThat(f.capture("shared", 1_000, "EUR", false).reply().outcome()).isEqualTo(Outcome.APPROVED);
    var there = other.capture("shared", 2_000, "EUR", false);
    assertThat(there.reply().outcome()).isEqualTo(Outcome.APPROVED);
    assertThat(there.reply().replayed()).isFalse();
    assertThat(other.amounts().captured()).isEqualTo(2_000);
  }
}
