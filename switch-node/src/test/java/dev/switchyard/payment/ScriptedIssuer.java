package dev.switchyard.payment;

import dev.switchyard.protocol.v1.ReversalKind;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An issuer that approves authorizations at once, leaves increments for the test to answer by hand, and fails the
 * first {@code failingReversals} reversals. Records every reversal it is asked for.
 */
final class ScriptedIssuer implements IssuerGateway {

  /** One reversal asked for: of which request, what, how much, which attempt, and whether it was acknowledged. */
  record ReversalCall(Trace original, ReversalKind kind, long amountMinor, int attempt, boolean acknowledged) {}

  final ConcurrentLinkedQueue<CompletableFuture<Decision>> increments = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<ReversalCall> reversals = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failingReversals;

  ScriptedIssuer(int failingReversals) {
    this.failingReversals = new AtomicInteger(failingReversals);
  }

  private final java.util.concurrent.atomic.AtomicInteger stans = new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public Trace trace(String paymentId, String acquirerId, Card card) {
    return new Trace("scripted", String.format("%06d", stans.incrementAndGet()), 0, PaymentIds.rrn(paymentId));
  }

  @Override
  public Trace followUp(String paymentId, Trace original) {
    return new Trace("scripted", String.format("%06d", stans.incrementAndGet()), 0, PaymentIds.rrn(paymentId));
  }

  /** Authorizations are approved at once; increments wait for the test. */
  @Override
  public CompletionStage<Decision> authorize(Trace trace, AuthorizationRequest request) {
    return CompletableFuture.completedFuture(Decision.approve("123456"));
  }

  @Override
  public CompletionStage<Decision> increment(Trace trace, Trace original, Card card, Money amount) {
    CompletableFuture<Decision> answer = new CompletableFuture<>();
    increments.add(answer);
    return answer;
  }

  @Override
  public CompletionStage<Void> reverse(Trace original, Card card, ReversalKind kind, Money amount, int attempt) {
    boolean ok = failingReversals.getAndDecrement() <= 0;
    reversals.add(new ReversalCall(original, kind, amount.minorUnits(), attempt, ok));
    return ok ? CompletableFuture.completedFuture(null)
        : CompletableFuture.failedFuture(new IllegalStateException("scripted reversal failure"));
  }

  List<ReversalCall> acknowledged() {
    return reversals.stream().filter(ReversalCall::acknowledged).toList();
  }
}
