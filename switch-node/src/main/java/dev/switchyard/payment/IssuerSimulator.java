package dev.switchyard.payment;

import dev.switchyard.protocol.v1.ReversalKind;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process issuer with deterministic rules, for development, tests and load tests. The decision depends
 * only on the last two digits of the amount in minor units:
 *
 * <ul>
 *   <li>{@code 05} declines DO_NOT_HONOR, {@code 51} INSUFFICIENT_FUNDS, {@code 54} EXPIRED_CARD, {@code 13}
 *       INVALID_AMOUNT, {@code 59} SUSPECTED_FRAUD, {@code 62} RESTRICTED_CARD;
 *   <li>the configured {@code never-answer-suffix} (default {@code 91}) never answers, so the payment goes
 *       IN_DOUBT and is reversed;
 *   <li>anything else is approved with an authorization code derived from the payment id.
 * </ul>
 *
 * Every answer comes after the configured delay. The first {@code reversal-failures} reversals of each payment
 * fail, to exercise the retry path. The same rules apply to incremental authorizations.
 */
public final class IssuerSimulator implements IssuerGateway {

  private static final Map<Integer, Outcome> DECLINES =
      Map.of(
          5, Outcome.DO_NOT_HONOR,
          51, Outcome.INSUFFICIENT_FUNDS,
          54, Outcome.EXPIRED_CARD,
          13, Outcome.INVALID_AMOUNT,
          59, Outcome.SUSPECTED_FRAUD,
          62, Outcome.RESTRICTED_CARD);

  /**
   * One daemon timer thread for every simulator in the JVM. Not CompletableFuture's delayed executor: on a
   * machine with two cores the common pool has parallelism 1, and CompletableFuture then starts a new thread for
   * every task (measured: a thread per authorization, most of the node's CPU at a few hundred payments/s).
   */
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "issuer-simulator");
        t.setDaemon(true);
        return t;
      });

  private final Duration delay;
  private final int neverAnswerSuffix;
  private final int reversalFailures;
  private final Map<String, AtomicInteger> reversalAttempts = new ConcurrentHashMap<>();
  private final Map<String, Boolean> reversed = new ConcurrentHashMap<>();
  private final AtomicInteger stans = new AtomicInteger();

  public IssuerSimulator(Duration delay, int neverAnswerSuffix, int reversalFailures) {
    this.delay = delay;
    this.neverAnswerSuffix = neverAnswerSuffix;
    this.reversalFailures = reversalFailures;
  }

  @Override
  public Trace trace(String paymentId, String acquirerId, Card card) {
    return new Trace("in-process", String.format("%06d", stans.incrementAndGet() % 1_000_000),
        System.currentTimeMillis(), PaymentIds.rrn(paymentId));
  }

  @Override
  public Trace followUp(String paymentId, Trace original) {
    return new Trace("in-process", String.format("%06d", stans.incrementAndGet() % 1_000_000),
        System.currentTimeMillis(), PaymentIds.rrn(paymentId));
  }

  @Override
  public CompletionStage<Decision> authorize(Trace trace, AuthorizationRequest request) {
    return decide(trace.rrn(), request.amount());
  }

  @Override
  public CompletionStage<Decision> increment(Trace trace, Trace original, Card card, Money amount) {
    return decide(trace.rrn(), amount);
  }

  @Override
  public CompletionStage<Void> reverse(Trace original, Card card, ReversalKind kind, Money amount, int attempt) {
    String paymentKey = original.rrn();
    int tried = reversalAttempts.computeIfAbsent(paymentKey + "/" + kind, id -> new AtomicInteger())
        .incrementAndGet();
    if (tried <= reversalFailures) {
      return later(() -> {
        throw new IllegalStateException("simulated issuer link failure on reversal attempt " + tried);
      });
    }
    return later(() -> {
      reversed.put(paymentKey + "/" + kind, Boolean.TRUE);
      return null;
    });
  }

  /** Whether a reversal of this kind for this payment was acknowledged; for tests. */
  public boolean wasReversed(String paymentId, ReversalKind kind) {
    return reversed.containsKey(PaymentIds.rrn(paymentId) + "/" + kind);
  }

  private CompletionStage<Decision> decide(String rrn, Money amount) {
    int suffix = (int) Math.floorMod(amount.minorUnits(), 100L);
    if (suffix == neverAnswerSuffix) {
      return new CompletableFuture<>();
    }
    Outcome decline = DECLINES.get(suffix);
    Decision decision =
        decline == null
            ? Decision.approve(authCode(rrn, amount))
            : Decision.decline(decline, "simulated issuer rule for amounts ending in " + suffix);
    return later(() -> decision);
  }

  private static String authCode(String rrn, Money amount) {
    int h = (rrn.hashCode() * 31 + Long.hashCode(amount.minorUnits())) & 0x7fffffff;
    return String.format("%06d", h % 1_000_000);
  }

  private <T> CompletionStage<T> later(java.util.function.Supplier<T> answer) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable complete = () -> {
      try {
        result.complete(answer.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    };
    if (delay.isZero()) {
      complete.run();
    } else {
      TIMER.schedule(complete, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
    return result;
  }
}
